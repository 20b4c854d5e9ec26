package dev.cordon.ven.pce;

import java.util.List;

/**
 * The body of {@code POST /api/v2/ven/heartbeat}: the hash of the policy in force (null before the first
 * successful apply), the policy sync state ({@code syncing}, {@code applied}, {@code error}) and health messages.
 */
public record Heartbeat(String appliedHash, String syncState, List<Health> health) {
    public Heartbeat {
        health = List.copyOf(health);
    }
}
