package dev.cordon.ven.pce;

/** One agent health message in a heartbeat: {@code {"type","severity","message"}}. */
public record Health(String type, String severity, String message) {}
