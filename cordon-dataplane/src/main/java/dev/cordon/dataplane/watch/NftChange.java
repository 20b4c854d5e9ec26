package dev.cordon.dataplane.watch;

import dev.cordon.dataplane.foreign.NftTableId;

/**
 * One object a foreign nf_tables transaction changed, as its notification names it: the table, the message kind
 * ({@code NFT_MSG_NEWRULE}, {@code DELSETELEM}, ...) and the chain or set it concerns (the table's own name for a
 * table message, "" for other objects).
 */
public record NftChange(NftTableId table, int kind, String name) {
    public static final int NEWTABLE = 0;
    public static final int DELTABLE = 2;
    public static final int NEWCHAIN = 3;
    public static final int DELCHAIN = 5;
    public static final int NEWRULE = 6;
    public static final int DELRULE = 8;
    public static final int NEWSET = 9;
    public static final int DELSET = 11;
    public static final int NEWSETELEM = 12;
    public static final int DELSETELEM = 14;

    /** The attribute that names the chain or set in a message of {@code kind}; -1 when it names none. */
    static int nameAttr(int kind) {
        return switch (kind) {
            case NEWTABLE, 1, DELTABLE -> 1; // NFTA_TABLE_NAME
            case NEWCHAIN, 4, DELCHAIN -> 3; // NFTA_CHAIN_NAME
            case NEWRULE, 7, DELRULE -> 2; // NFTA_RULE_CHAIN
            case NEWSET, 10, DELSET, NEWSETELEM, 13, DELSETELEM -> 2; // NFTA_SET_NAME, NFTA_SET_ELEM_LIST_SET
            default -> -1;
        };
    }
}
