package dev.cordon.dataplane;

/** What kind of change was found between the applied snapshot and the live kernel state. */
public enum ChangeKind {
    /** A rule of a Cordon chain (or, when exclusive, of a built-in chain) is gone. */
    RULE_DELETED,
    /** A rule was added inside a Cordon chain, or a second Cordon jump appeared. */
    RULE_ADDED,
    /** The same rules are there in another order. */
    RULE_REORDERED,
    /** A Cordon chain is empty. */
    CHAIN_FLUSHED,
    /** A Cordon chain is gone. */
    CHAIN_DELETED,
    /** Cordon's jump from a built-in chain is gone. */
    JUMP_MISSING,
    /** Primary: a rule sits above Cordon's jump. */
    JUMP_NOT_FIRST,
    /** Exclusive: a rule Cordon did not write is in a built-in chain. */
    FOREIGN_RULE,
    /** Exclusive: a chain Cordon did not create exists (or a CORDON-named chain Cordon did not create). */
    FOREIGN_CHAIN,
    /** Exclusive: a built-in chain's policy changed. */
    POLICY_CHANGED,
    /** A member of a Cordon ipset is gone. */
    SET_MEMBER_REMOVED,
    /** A member was added to a Cordon ipset. */
    SET_MEMBER_ADDED,
    /** A Cordon ipset is gone (or changed type). */
    SET_MISSING
}
