package dev.cordon.pce.api.kit;

import io.javalin.Javalin;
import io.javalin.apibuilder.EndpointGroup;

/**
 * A group of routes of one area, kept in its own class. {@code Routes} declares these groups' endpoints before its own
 * (so a literal path such as {@code /workloads/bulk_update} wins over {@code /workloads/{id}}); {@link #hooks} adds
 * what runs around other routes (before/after handlers), after authentication. {@link Guard} gives them the same
 * roles and errors as the rest.
 */
public interface ApiGroup extends EndpointGroup {
    /** Before/after handlers of this group, registered after authentication; none by default. */
    default void hooks(Javalin app) {}
}
