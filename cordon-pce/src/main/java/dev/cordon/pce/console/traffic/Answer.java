package dev.cordon.pce.console.traffic;

import java.util.List;

/** A finished Explorer query: its flows (at most {@link Explorer#CAP}) and how many matched in all. */
record Answer(List<FlowRow> rows, long matches) {}
