package dev.cordon.pce.store;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.function.Supplier;

/**
 * The database cannot be reached (PostgreSQL restarting, the network to it down, no connection free within the
 * pool's timeout). The API answers {@code 503 database_unavailable}: the request was not carried out, or its
 * outcome is unknown; it may be sent again once the database is back. Never a 500 with a stack trace, never a hang.
 */
public final class StoreUnavailableException extends RuntimeException {
    public StoreUnavailableException(Throwable cause) {
        super("The PCE cannot reach its database (" + rootMessage(cause) + "); the request was not carried out."
                + " Try again in a few seconds; if it persists, check that PostgreSQL is running and reachable.", cause);
    }

    /** Runs {@code work}, turning a lost or refused database connection into this exception. */
    static <T> T translate(Supplier<T> work) {
        try {
            return work.get();
        } catch (RuntimeException e) {
            if (connectionLost(e)) throw new StoreUnavailableException(e);
            throw e;
        }
    }

    /** SQLSTATE class 08 (connection exception), 57P01-03 (server shutting down or starting), or a pool timeout. */
    static boolean connectionLost(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientConnectionException) return true;
            if (t instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P"))) {
                return true;
            }
            if (t.getCause() == t) break;
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
