package dev.cordon.ven;

import dev.cordon.dataplane.SavedFirewall;
import dev.cordon.ven.enforce.Enforcer;
import dev.cordon.ven.enforce.FirewallRestore;
import dev.cordon.ven.state.StateDir;
import java.util.Optional;

/**
 * Unpairing on the host, the one place it is done: takes Cordon's state away, restores the firewall ({@code saved}:
 * the tables as they were before activation; {@code default}: open), then forgets the pairing and the policies.
 * Used by a local {@code cordon ven --unpair} and when the PCE answers that it unpaired this VEN.
 */
final class Unpair {
    private Unpair() {}

    /**
     * @throws IllegalStateException with {@code saved} when no firewall was saved in the state directory
     * @throws dev.cordon.dataplane.DataplaneException when the kernel refuses; the pairing is kept then
     */
    static void perform(Enforcer enforcer, StateDir state, FirewallRestore restore) {
        if (restore == FirewallRestore.SAVED) {
            Optional<SavedFirewall> saved = state.firewallBefore();
            if (saved.isEmpty()) {
                throw new IllegalStateException("no saved firewall in " + state.dir() + " (was this VEN ever activated"
                        + " from this state directory?): restore default instead (cordon ven --unpair default)");
            }
            enforcer.restore(saved.get());
        } else {
            enforcer.open();
        }
        state.clear();
    }
}
