package dev.cordon.ven.pce;

/**
 * A call to the PCE did not succeed. {@link Kind} tells the agent what to do about it: retry later
 * ({@code UNREACHABLE}, {@code SERVER}), stop and tell the operator ({@code UNAUTHORIZED}, {@code REJECTED},
 * {@code CERTIFICATE}). The message says what happened and what to do.
 */
public final class PceException extends RuntimeException {
    /** Why the call failed. */
    public enum Kind {
        /** No answer: connection refused, timed out, reset. Retry with backoff; keep enforcing. */
        UNREACHABLE,
        /** 5xx. Retry with backoff. */
        SERVER,
        /** 401: unknown, used-up or expired activation code; unknown, suspended or unpaired agent token. */
        UNAUTHORIZED,
        /** Another 4xx: the PCE refused what the VEN sent. */
        REJECTED,
        /** The PCE presented a certificate other than the one pinned at activation. */
        CERTIFICATE,
        /** 401 with {@code ven_unpaired_saved|default}: an admin unpaired this VEN; restore the firewall and stop. */
        UNPAIRED,
        /** 429: too many failures from this host, or too many waiting polls; retry after {@link #retryAfter()}. */
        THROTTLED
    }

    /** The longest {@code Retry-After} the VEN honours; a longer one is read as this (the PCE's lockouts are shorter). */
    public static final java.time.Duration MAX_RETRY_AFTER = java.time.Duration.ofMinutes(10);

    private final Kind kind;
    private final int status;
    private dev.cordon.ven.enforce.FirewallRestore firewallRestore;
    private java.time.Duration retryAfter;

    public PceException(Kind kind, int status, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.status = status;
    }

    public PceException(Kind kind, int status, String message) {
        this(kind, status, message, null);
    }

    /** The PCE unpaired this VEN and asks its firewall to become {@code restore}. */
    public static PceException unpaired(String message, dev.cordon.ven.enforce.FirewallRestore restore) {
        PceException e = new PceException(Kind.UNPAIRED, 401, message);
        e.firewallRestore = restore;
        return e;
    }

    /** With {@link Kind#UNPAIRED}: what the firewall becomes; otherwise null. */
    public dev.cordon.ven.enforce.FirewallRestore firewallRestore() {
        return firewallRestore;
    }

    /** A 429 or 503 with its {@code Retry-After} (seconds, at most {@link #MAX_RETRY_AFTER}). */
    public static PceException retryLater(Kind kind, int status, String message, java.time.Duration retryAfter) {
        PceException e = new PceException(kind, status, message);
        e.retryAfter = retryAfter;
        return e;
    }

    /** How long the PCE asked the VEN to wait, or null when it did not say. */
    public java.time.Duration retryAfter() {
        return retryAfter;
    }

    /** The retry delay to use: the backoff, or longer when the PCE asked for longer. */
    public java.time.Duration delay(java.time.Duration backoff) {
        return retryAfter != null && retryAfter.compareTo(backoff) > 0 ? retryAfter : backoff;
    }

    public Kind kind() {
        return kind;
    }

    /** The HTTP status, or 0 when there was no response. */
    public int status() {
        return status;
    }

    /** True when trying again later may succeed. */
    public boolean transientFailure() {
        return kind == Kind.UNREACHABLE || kind == Kind.SERVER || kind == Kind.THROTTLED;
    }
}
