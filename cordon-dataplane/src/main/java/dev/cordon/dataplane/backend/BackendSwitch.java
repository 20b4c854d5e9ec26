package dev.cordon.dataplane.backend;

import dev.cordon.dataplane.AppliedState;
import dev.cordon.dataplane.ChangeWatch;
import dev.cordon.dataplane.Dataplane;
import dev.cordon.dataplane.SavedFirewall;
import dev.cordon.dataplane.TamperReport;
import dev.cordon.policy.compile.FirewallPolicy;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chosen backend, which takes the other backend's state away before its own first apply (and on remove): a host
 * that switches from {@code --dataplane iptables} to {@code nftables} (or back) never keeps two Cordons in the kernel.
 * The other backend's tools may be missing; then it left nothing behind to remove.
 */
final class BackendSwitch implements Dataplane {
    private static final Logger log = LoggerFactory.getLogger(BackendSwitch.class);
    private final Dataplane chosen;
    private final Dataplane other;
    private boolean cleaned;

    BackendSwitch(Dataplane chosen, Dataplane other) {
        this.chosen = chosen;
        this.other = other;
    }

    /** The backend doing the work. */
    Dataplane chosen() {
        return chosen;
    }

    private synchronized void cleanOther() {
        if (cleaned) return;
        try {
            other.remove();
        } catch (RuntimeException e) {
            log.debug("no {} state to remove: {}", other.backend(), e.getMessage());
        }
        cleaned = true;
    }

    @Override
    public String backend() {
        return chosen.backend();
    }

    @Override
    public void preflight() {
        chosen.preflight();
    }

    @Override
    public AppliedState apply(FirewallPolicy policy) {
        cleanOther();
        return chosen.apply(policy);
    }

    @Override
    public ChangeWatch watch(Runnable onChange) {
        return chosen.watch(onChange);
    }

    @Override
    public java.util.List<dev.cordon.dataplane.CoexistenceIssue> coexistenceIssues() {
        return chosen.coexistenceIssues();
    }

    @Override
    public TamperReport check() {
        return chosen.check();
    }

    @Override
    public TamperReport checkFull() {
        return chosen.checkFull();
    }

    @Override
    public void repair() {
        chosen.repair();
    }

    @Override
    public void remove() {
        cleanOther();
        chosen.remove();
    }

    @Override
    public Optional<AppliedState> current() {
        return chosen.current();
    }

    @Override
    public void resume(AppliedState previous) {
        chosen.resume(previous);
    }

    @Override
    public SavedFirewall saveFirewall() {
        return chosen.saveFirewall();
    }

    @Override
    public void restoreFirewall(SavedFirewall saved) {
        cleanOther();
        chosen.restoreFirewall(saved);
    }

    @Override
    public void openFirewall() {
        cleanOther();
        chosen.openFirewall();
    }
}
