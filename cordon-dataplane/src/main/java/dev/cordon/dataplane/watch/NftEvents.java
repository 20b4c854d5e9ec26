package dev.cordon.dataplane.watch;

import dev.cordon.dataplane.ChangeWatch;
import dev.cordon.dataplane.flows.netlink.Attrs;
import dev.cordon.dataplane.flows.netlink.NetlinkException;
import dev.cordon.dataplane.flows.netlink.NetlinkSocket;
import dev.cordon.dataplane.flows.netlink.Nl;
import dev.cordon.dataplane.foreign.NftTableId;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The nf_tables change notifications of one network namespace, read from netlink (multicast group
 * {@code NFNLGRP_NFTABLES}, what {@code nft monitor} reads): every committed table, chain, rule, set and element
 * change, whichever program made it (nft, iptables-nft, firewalld, Docker through iptables-nft). A netlink socket
 * rather than an {@code nft monitor} child: no process to supervise and restart, and the kernel's generation message
 * names the committing process ({@code NFTA_GEN_PROC_PID}), which {@code nft monitor -j} does not print.
 *
 * <p>The kernel sends a transaction's changes, then one {@code NFT_MSG_NEWGEN}. This reader collects the tables a
 * transaction touched and, at its generation message, calls {@code onChange} when the committing process is not one
 * of {@link OwnWrites} and a touched table is {@code interesting}. A receive-buffer overrun (notifications lost) also
 * calls it: what was lost may have been tampering.
 *
 * <p>One daemon thread per watch; {@link #close()} stops it within the socket's read timeout.
 */
public final class NftEvents implements ChangeWatch {
    private static final Logger log = LoggerFactory.getLogger(NftEvents.class);
    static final int GROUP_NFTABLES = 7;
    /** nfnetlink subsystem of nf_tables, and its generation message (also the answer to NFT_MSG_GETGEN). */
    public static final int SUBSYS_NFTABLES = 10;
    public static final int MSG_NEWGEN = 15;
    static final int GEN_PROC_PID = 2;
    /** NFTA_TABLE_NAME, NFTA_CHAIN_TABLE, NFTA_RULE_TABLE, NFTA_SET_TABLE, NFTA_SET_ELEM_LIST_TABLE, ...: all 1. */
    static final int TABLE_ATTR = 1;
    private static final int READ_TIMEOUT_MS = 200;
    private static final int BUFFER = 4 << 20;

    private final NetlinkSocket socket;
    private final Transactions transactions;
    private final Thread reader;
    private volatile boolean running = true;

    private NftEvents(NetlinkSocket socket, Transactions transactions, String where) {
        this.socket = socket;
        this.transactions = transactions;
        this.reader = new Thread(this::pump, "cordon-nft-events" + where);
        reader.setDaemon(true);
    }

    /**
     * Starts watching namespace {@code netns} (empty: this process's own).
     *
     * @throws NetlinkException when the socket cannot be opened (not root, no nf_tables)
     */
    public static NftEvents start(Optional<String> netns, OwnWrites own, Predicate<NftTableId> interesting,
                                  Runnable onChange) {
        return start(netns, own, interesting, null, onChange);
    }

    /**
     * As {@link #start(Optional, OwnWrites, Predicate, Runnable)}; {@code noted} (may be null) gets, before each
     * announcement, what the foreign transaction changed, and null after an overrun (what was lost is unknown).
     */
    public static NftEvents start(Optional<String> netns, OwnWrites own, Predicate<NftTableId> interesting,
                                  java.util.function.Consumer<List<NftChange>> noted, Runnable onChange) {
        NetlinkSocket s = NetlinkSocket.open(NetlinkSocket.NETLINK_NETFILTER, new int[] {GROUP_NFTABLES}, netns,
                BUFFER, READ_TIMEOUT_MS);
        NftEvents e = new NftEvents(s, new Transactions(own, interesting, noted, onChange), netns.map(n -> "-" + n).orElse(""));
        e.reader.start();
        return e;
    }

    private void pump() {
        ByteBuffer[] got = new ByteBuffer[1];
        while (running && !socket.closed()) {
            int n;
            try {
                n = socket.receive(got);
            } catch (NetlinkException e) {
                if (running) log.warn("nftables change notifications stopped: {}; the poll goes on", e.getMessage());
                return;
            }
            if (!running) return;
            if (n == NetlinkSocket.OVERRUN) {
                transactions.lost();
                continue;
            }
            if (n == NetlinkSocket.TIMEOUT) continue;
            Nl.messages(got[0], n, transactions::message);
        }
    }

    @Override
    public boolean live() {
        return running && !socket.closed() && reader.isAlive();
    }

    @Override
    public void close() {
        running = false;
        socket.close();
        if (Thread.currentThread() != reader) {
            try {
                reader.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Groups messages into transactions and decides which ones to announce. Pure but for the callback. */
    static final class Transactions {
        private final OwnWrites own;
        private final Predicate<NftTableId> interesting;
        private final Runnable onChange;
        private final java.util.function.Consumer<List<NftChange>> noted;
        private final List<NftTableId> touched = new ArrayList<>();
        private final List<NftChange> changes = new ArrayList<>();

        Transactions(OwnWrites own, Predicate<NftTableId> interesting, Runnable onChange) {
            this(own, interesting, null, onChange);
        }

        Transactions(OwnWrites own, Predicate<NftTableId> interesting, java.util.function.Consumer<List<NftChange>> noted,
                     Runnable onChange) {
            this.own = own;
            this.interesting = interesting;
            this.noted = noted;
            this.onChange = onChange;
        }

        void message(Nl.Message m) {
            if (m.subsystem() != SUBSYS_NFTABLES) return;
            Attrs a = m.attrs();
            if (m.kind() == MSG_NEWGEN) {
                long pid = a.u32(GEN_PROC_PID);
                boolean announce = false;
                if (!own.contains(pid)) {
                    // every touched table is shown to the predicate (no short cut): a backend may note which ones
                    for (NftTableId t : touched) announce |= interesting.test(t);
                }
                touched.clear();
                List<NftChange> these = List.copyOf(changes);
                changes.clear();
                if (announce) {
                    if (noted != null) noted.accept(these);
                    onChange.run();
                }
                return;
            }
            String table = a.string(TABLE_ATTR);
            if (table != null) {
                NftTableId id = new NftTableId(family(m.family()), table);
                touched.add(id);
                int attr = NftChange.nameAttr(m.kind());
                String name = attr < 0 ? "" : a.string(attr);
                changes.add(new NftChange(id, m.kind(), name == null ? "" : name));
            }
        }

        void lost() {
            touched.clear();
            changes.clear();
            if (noted != null) noted.accept(null);
            onChange.run();
        }

        static String family(int nfproto) {
            return NftEvents.family(nfproto);
        }
    }

    /** nfgenmsg's family as nft names it. */
    public static String family(int nfproto) {
        {
            return switch (nfproto) {
                case 1 -> "inet";
                case 2 -> "ip";
                case 3 -> "arp";
                case 5 -> "netdev";
                case 7 -> "bridge";
                case 10 -> "ip6";
                default -> "unknown";
            };
        }
    }
}
