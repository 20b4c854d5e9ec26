package dev.cordon.dataplane;

import dev.cordon.policy.compile.FirewallPolicy;

/**
 * The applied snapshot: what one backend read back from the kernel right after an apply. Tamper checks compare the
 * live kernel against it, never against the rendered input, because the kernel's tools rewrite what they are given.
 * Each backend has its own concrete value (the iptables one holds {@code iptables-save} tables and ipset members);
 * callers see only this interface. {@code dataplane.backend.Backends} writes it as JSON naming its backend and
 * reads it back, so a VEN can persist it.
 */
public interface AppliedState {
    /** The backend that applied it and can read it back, e.g. "iptables". */
    String backend();

    /** The policy that was applied. */
    FirewallPolicy policy();

    /**
     * A canonical text of the part Cordon owns (its chains, jumps and sets; everything when exclusive). Two applies
     * of the same policy on an untouched host give the same text, which is how a caller notices that someone changed
     * the firewall while it was being repaired.
     */
    String owned();
}
