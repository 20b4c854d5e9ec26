package dev.cordon.dataplane;

/**
 * Something a foreign firewall makes impossible about the coexistence state Cordon applied (SPEC §6: "where a foreign
 * firewall makes a state impossible, the VEN reports it in its health ... it is never silently weaker"). The VEN
 * sends each as a health entry: {@code type} is a stable token, {@code severity} {@code warning} (the state holds
 * only in part, and what is enforced is stricter, never weaker) or {@code error} (the state's promise is broken),
 * {@code message} says what is wrong and how to fix it.
 */
public record CoexistenceIssue(String type, String severity, String message) {}
