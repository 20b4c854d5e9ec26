package dev.cordon.dataplane.watch;

import java.util.ArrayList;
import java.util.List;

/**
 * What foreign transactions changed since a backend's last tamper check, as the change watch reported them: the
 * watch's thread notes them before it announces the change, the check drains them. Once notifications were lost
 * the notes are unknown (null) until the next drain, and the check must list the kernel instead.
 *
 * <p>Threads: the watch thread calls {@link #note}, the checking thread {@link #drain}; guarded by {@code this}.
 */
public final class ChangeNotes {
    private List<NftChange> notes = new ArrayList<>();

    /** Adds what one notification named; null: notifications were lost. */
    public synchronized void note(List<NftChange> these) {
        if (these == null) notes = null;
        else if (notes != null) notes.addAll(these);
    }

    /** The notes since the last drain (empty: none; null: some were lost), and a fresh start. */
    public synchronized List<NftChange> drain() {
        List<NftChange> out = notes;
        notes = new ArrayList<>();
        return out;
    }
}
