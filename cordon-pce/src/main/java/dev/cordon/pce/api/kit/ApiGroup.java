package dev.cordon.pce.api.kit;

import io.javalin.Javalin;

/**
 * A group of routes of one area, kept in its own class and registered by {@code Routes} before its own routes (so a
 * literal path such as {@code /workloads/bulk_update} wins over {@code /workloads/{id}}). Authentication has run
 * before any of them; {@link Guard} gives them the same roles and errors as the rest.
 */
public interface ApiGroup {
    void register(Javalin app);
}
