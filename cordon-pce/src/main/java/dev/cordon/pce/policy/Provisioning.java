package dev.cordon.pce.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cordon.pce.auth.Principal;
import dev.cordon.pce.core.ApiException;
import dev.cordon.pce.core.Json;
import dev.cordon.pce.core.Kind;
import dev.cordon.pce.events.Events;
import dev.cordon.pce.store.Store;
import dev.cordon.policy.Engine;
import dev.cordon.policy.compile.CompiledOrg;
import dev.cordon.policy.model.Label;
import dev.cordon.policy.model.PolicyDocument;
import dev.cordon.policy.model.Workload;
import dev.cordon.policy.validate.ValidationError;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Provision (all pending changes or a subset), revert and restore (SPEC §4): each one write transaction under the
 * cluster-wide write lock, so version numbers stay unique and contiguous.
 *
 * <p>A provision's costly part — building the new version's engine and compiling every workload with the old and
 * the new engine to count {@code workloads_affected} — is done first <em>outside</em> the write lock, on what the
 * store holds then ({@link Speculation}). Inside the lock the new version is assembled and checked again (pending
 * changes, dependencies, validation) from what the store holds now, and the speculation is used only if both the
 * active and the new document answer every question as the speculated ones ({@link SameAnswers}: equal but for
 * labels and IP lists nothing refers to), so the stored count and the engine are exactly those of the committed
 * version; else they are computed inside the lock as before. Writes no longer queue behind two full compiles.
 *
 * <p>Threads: request threads; holds no state of its own (the active engine and versions are in {@link ActiveEngine}).
 */
public final class Provisioning {
    private static final Set<String> SUBSET_KEYS = Set.of("rule_sets", "ip_lists", "services", "label_groups", "firewall_settings",
            "virtual_services");

    private final Store store;
    private final Events events;
    private final PolicyDocuments documents;
    private final ActiveEngine active;
    private final PendingChanges pending;
    private final VersionRecords records;

    public Provisioning(Store store, Events events, PolicyDocuments documents, ActiveEngine active,
                        PendingChanges pending, VersionRecords records) {
        this.store = store;
        this.events = events;
        this.documents = documents;
        this.active = active;
        this.pending = pending;
        this.records = records;
        active.prebuildWith(this::prebuild);
    }

    /**
     * What a provision computed outside the write lock: from which active version, the active and the new document
     * as they were then (with the live stamps read before their live objects), engines answering as each, the
     * strings their referring objects hold, and the count of workloads whose policy differs between them.
     */
    private record Speculation(long fromVersion, PolicyInputs.Stamp liveStamp, PolicyDocument activeDoc, Engine before,
                               SameAnswers.References activeRefs, PolicyDocument nextDoc, Engine next,
                               SameAnswers.References nextRefs, int affected, Assembled assembled) {

        /**
         * True when engines and count hold for the version assembled inside the lock ({@code now}, on top of
         * {@code version}): same active version, same workloads, every referring object equal, and the labels and
         * IP lists that anything refers to equal (others may have been written meanwhile: they change no answer, and
         * are validated here on their own, as the whole document's validation would).
         */
        boolean holdsFor(long version, Assembled now) {
            PolicyDocument d = now.doc();
            return fromVersion == version && liveStamp.of(Kind.WORKLOAD.kind()) == now.liveStamp().of(Kind.WORKLOAD.kind())
                    && java.util.Objects.equals(nextDoc.workloads(), d.workloads())
                    && java.util.Objects.equals(nextDoc.labelGroups(), d.labelGroups())
                    && java.util.Objects.equals(nextDoc.services(), d.services())
                    && java.util.Objects.equals(nextDoc.ruleSets(), d.ruleSets())
                    && java.util.Objects.equals(nextDoc.firewallSettings(), d.firewallSettings())
                    && nextRefs.sameReferenced(nextDoc, d)
                    && activeRefs.sameReferenced(activeDoc, activeDoc.withLabels(d.labelsOrEmpty()))
                    && Engine.validate(new PolicyDocument(d.labelsOrEmpty(), null, null, d.ipListsOrEmpty(), null, null,
                            null)).isEmpty();
        }
    }

    /** The new version assembled from the store: its versioned objects, whole document and live stamps. */
    private record Assembled(List<PendingChanges.PendingChange> selected, PolicyDocument versioned, PolicyDocument doc,
                             PolicyInputs.Stamp liveStamp, List<Label> labels, List<Workload> workloads) {}

    /** {@code GET sec_policy/pending}. */
    public ObjectNode pending(int org) {
        return pending.pending(org);
    }

    /** {@code {"update_description", "change_subset"?}} → the new version's summary (201). */
    public ObjectNode provision(int org, JsonNode body, Principal by) {
        Json.onlyFields(body, Set.of("update_description", "change_subset"), "provision request");
        if (body.has("update_description") && !body.get("update_description").isTextual()
                && !body.get("update_description").isNull()) {
            throw ApiException.invalid("invalid_update_description", "update_description is a string saying what"
                    + " this version changes, not " + body.get("update_description").getNodeType().name().toLowerCase() + ".");
        }
        String description = Json.text(body, "update_description");
        JsonNode subset = body.get("change_subset");
        // the other nodes assemble and build the same version meanwhile (a hint: they cannot know a subset)
        if (subset == null || subset.isNull()) active.provisionStarting(org);
        Speculation spec = speculate(org, subset);
        long gen = active.generation(); // before the stamps read inside the lock
        Object[] built = new Object[3];
        ObjectNode result = store.write(() -> {
            Assembled a = assemble(org, subset, spec == null ? null : spec.assembled());
            long version = active.activeVersion(org) + 1; // from the database: inside the write lock
            Engine engine;
            int affected;
            if (spec != null && spec.holdsFor(version - 1, a)) {
                engine = spec.next();
                affected = spec.affected();
            } else {
                engine = PolicyEngines.build(a.doc()); // 406 with every error
                affected = affected(activeBefore(org), engine);
            }
            built[0] = engine;
            built[1] = version;
            built[2] = a;
            ObjectNode summary = records.insert(org, version, description, by, affected, a.versioned());
            ArrayNode changes = Json.array();
            a.selected().forEach(c -> changes.add(Json.ref(c.href()).put("change_type", c.changeType())));
            events.record(org, "sec_policy.create", "info", "success", by.eventActor(),
                    List.of(Events.created(summary.get("href").asText(), summary)),
                    Json.object().put("version", version).set("changes", changes));
            return summary;
        });
        active.versionMade();
        // the VENs' next look-up needs exactly the engine just built: hand it over instead of building it again
        Assembled a = (Assembled) built[2];
        active.handOver(org, (Long) built[1], a.liveStamp(), (Engine) built[0], a.doc(), gen);
        active.fire();
        return result;
    }

    /**
     * The new version's objects from the store as it is now: 406 when nothing is pending, a subset names what is
     * not pending, or a dependency is missing. The live stamps are read before the live objects.
     */
    private Assembled assemble(int org, JsonNode subset) {
        return assemble(org, subset, null);
    }

    /**
     * As {@link #assemble(int, JsonNode)}, taking the live labels and workloads from {@code earlier} when the live
     * stamps are still the ones read before them (so they are what the store holds): inside the write lock that
     * saves reading and comparing every live workload again (25,000 rows in the bench), under the lock.
     */
    private Assembled assemble(int org, JsonNode subset, Assembled earlier) {
        List<PendingChanges.PendingChange> changes = pending.list(org);
        if (changes.isEmpty()) {
            throw ApiException.invalid("nothing_to_provision", "There are no pending changes to provision: change"
                    + " the draft first (GET /orgs/" + org + "/sec_policy/pending lists them).");
        }
        Map<Kind, Map<String, ObjectNode>> draft = documents.draftTrees(org);
        Map<Kind, Map<String, ObjectNode>> next = PolicyDocuments.trees(documents.activeSnapshot(org));
        List<PendingChanges.PendingChange> selected = selected(changes, subset);
        for (PendingChanges.PendingChange c : selected) {
            ObjectNode d = draft.get(c.kind()).get(c.href());
            if (d == null) next.get(c.kind()).remove(c.href());
            else next.get(c.kind()).put(c.href(), d);
        }
        PolicyInputs.Stamp stamp = active.liveStamp(org);
        boolean same = earlier != null && earlier.liveStamp().equals(stamp);
        // the live labels and workloads are read once: at 10,000 workloads each read costs a noticeable pause
        List<Label> labels = same ? earlier.labels() : documents.liveLabels(org);
        List<Workload> workloads = same ? earlier.workloads() : documents.liveWorkloads(org);
        ProvisionDependencies.check(next, draft, subset != null && !subset.isNull(), labels, workloads,
                documents.setAside().excluded(org));
        PolicyDocument versioned = PolicyDocuments.fromTrees(next);
        return new Assembled(selected, versioned, documents.withLive(org, versioned, labels, workloads), stamp, labels,
                workloads);
    }

    /**
     * The new engine and {@code workloads_affected} computed outside the write lock, from the store as it is now;
     * null when that fails (the provision inside the lock then reports why, or succeeds on what changed meanwhile).
     * When the new document answers as the active one ({@link SameAnswers}), the active engine is the new one and no
     * workload is affected: nothing is compiled.
     */
    private Speculation speculate(int org, JsonNode subset) {
        try {
            long from = active.activeVersion(org);
            Engine cached = active.activeEngine(org);
            Assembled a = assemble(org, subset);
            if (active.activeVersion(org) != from) return null;
            // the active document with the same live objects as the new one, and an engine answering as it
            PolicyDocument activeDoc = documents.withLive(org, documents.snapshot(org, from), a.doc().labelsOrEmpty(),
                    a.doc().workloadsOrEmpty());
            Engine exact = active.keptExactly(org, from, a.liveStamp());
            Engine before = exact != null ? exact : SameAnswers.reuseOrBuild(cached, activeDoc, PolicyEngines::build);
            Engine next = SameAnswers.reuseOrBuild(before, a.doc(), PolicyEngines::build);
            return new Speculation(from, a.liveStamp(), activeDoc, before, SameAnswers.References.of(activeDoc), a.doc(),
                    next, SameAnswers.References.of(a.doc()), next == before ? 0 : affected(before, next), a);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * On a node that heard another start provisioning the whole draft: the coming version's engine, assembled and
     * compiled as that node does ({@link Prebuilds}); null when nothing is pending or the active version moved.
     */
    private Prebuilds.Candidate prebuild(int org, java.util.function.LongConsumer forVersion) {
        long from = active.activeVersion(org);
        forVersion.accept(from + 1);
        Assembled a = assemble(org, null);
        if (active.activeVersion(org) != from) return null;
        Engine next = SameAnswers.reuseOrBuild(active.kept(org), a.doc(), PolicyEngines::build);
        next.compileAll(); // what the first VEN look-up after the commit would do
        return new Prebuilds.Candidate(from + 1, a.liveStamp(), a.versioned(), a.doc(), next);
    }

    private Engine activeBefore(int org) {
        try {
            return active.activeEngine(org);
        } catch (ApiException e) {
            return null; // the active version does not compile with today's live objects: every workload counts
        }
    }

    /**
     * Managed workloads whose compiled policy (its hash) differs between the two engines; every managed one when
     * there is no {@code before}. Compared per workload through the policy classes' body digests
     * ({@link CompiledOrg#samePolicy}), so no policy is built or hashed: 10,000 workloads in a few classes cost a
     * few digests, not 20,000 compiled policies.
     */
    private static int affected(Engine before, Engine next) {
        CompiledOrg b = before == null ? null : before.compileAll();
        CompiledOrg after = next.compileAll();
        int n = 0;
        for (Workload w : next.document().workloadsOrEmpty()) {
            if (w.isManaged() && (b == null || !after.samePolicy(w.href(), b))) n++;
        }
        return n;
    }

    private List<PendingChanges.PendingChange> selected(List<PendingChanges.PendingChange> changes, JsonNode subset) {
        if (subset == null || subset.isNull()) return changes;
        if (!subset.isObject()) {
            throw ApiException.invalid("invalid_change_subset", "change_subset is an object such as {\"rule_sets\":"
                    + " [{\"href\": \"...\"}], \"ip_lists\": [...]}.");
        }
        Json.onlyFields(subset, SUBSET_KEYS, "change_subset");
        List<PendingChanges.PendingChange> out = new ArrayList<>();
        List<ValidationError> errors = new ArrayList<>();
        subset.fields().forEachRemaining(e -> {
            for (JsonNode ref : e.getValue()) {
                String href = PolicyHrefs.toDraft(ref.path("href").asText(""));
                Optional<PendingChanges.PendingChange> c = changes.stream()
                        .filter(p -> p.kind().collection().equals(e.getKey()) && p.href().equals(href)).findFirst();
                if (c.isEmpty()) {
                    errors.add(new ValidationError("change_subset_not_pending", "change_subset." + e.getKey()
                            + " names '" + href + "', which has no pending change: remove it from the subset."));
                } else {
                    out.add(c.get());
                }
            }
        });
        if (!errors.isEmpty()) throw ApiException.invalid(errors);
        if (out.isEmpty()) {
            throw ApiException.invalid("nothing_to_provision", "change_subset names no object: list at least one pending change.");
        }
        return out;
    }

    /** Reverts every pending change: the draft becomes the active version again. */
    public void revert(int org, Principal by) {
        store.writeVoid(() -> {
            List<PendingChanges.PendingChange> changes = pending.list(org);
            replaceDraft(org, documents.activeSnapshot(org));
            ArrayNode reverted = Json.array();
            changes.forEach(c -> reverted.add(Json.ref(c.href()).put("change_type", c.changeType())));
            events.record(org, "sec_policy_pending.delete", "info", "success", by.eventActor(), List.of(),
                    Json.object().set("reverted", reverted));
        });
    }

    /** Restores version N as a new version, and makes the draft equal to it; refused while changes are pending. */
    public ObjectNode restore(int org, String pversion, Principal by) {
        long from = documents.resolveVersion(org, pversion);
        ObjectNode result = store.write(() -> {
            if (!pending.list(org).isEmpty()) {
                throw ApiException.invalid("pending_changes_exist", "The draft has pending changes: provision or revert"
                        + " them (DELETE /orgs/" + org + "/sec_policy/pending) before restoring version " + from + ".");
            }
            PolicyDocument versioned = documents.snapshot(org, from);
            Engine engine = PolicyEngines.build(documents.withLive(org, versioned)); // 406 with every error
            long version = active.activeVersion(org) + 1;
            int affected = affected(activeBefore(org), engine);
            ObjectNode summary = records.insert(org, version, "Restored from version " + from, by, affected, versioned);
            replaceDraft(org, versioned);
            events.record(org, "sec_policy.restore", "info", "success", by.eventActor(),
                    List.of(Events.created(summary.get("href").asText(), summary)),
                    Json.object().put("restored_version", from).put("version", version));
            return summary;
        });
        active.versionMade();
        active.fire();
        return result;
    }

    private void replaceDraft(int org, PolicyDocument versioned) {
        Map<Kind, Map<String, ObjectNode>> t = PolicyDocuments.trees(versioned);
        for (Kind k : Kind.VERSIONED) {
            store.objects().deleteKind(org, k.kind());
            for (var e : t.get(k).entrySet()) store.objects().put(org, k.kind(), e.getKey(), e.getValue(), null);
        }
    }

    /** Summaries of the newest versions, and how many there are. */
    public VersionRecords records() {
        return records;
    }
}
