package dev.cordon.pce.ven;

/** A VEN its agent token authenticated ({@link AgentTokens#authenticate}): what every VEN request acts for. */
public record Agent(int org, String venHref, String workloadHref, String hostname) {}
