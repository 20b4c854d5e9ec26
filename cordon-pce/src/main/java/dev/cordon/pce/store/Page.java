package dev.cordon.pce.store;

import java.util.List;

/** A page of object rows and the total number matching. */
public record Page(List<Row> rows, long total) {}
