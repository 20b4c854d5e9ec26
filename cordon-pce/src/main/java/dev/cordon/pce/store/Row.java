package dev.cordon.pce.store;

/** A stored API object: its href and JSON body. */
public record Row(String href, String body) {}
