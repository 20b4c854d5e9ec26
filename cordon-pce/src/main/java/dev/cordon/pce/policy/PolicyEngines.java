package dev.cordon.pce.policy;

import dev.cordon.pce.core.ApiException;
import dev.cordon.policy.Engine;
import dev.cordon.policy.model.PolicyDocument;
import dev.cordon.policy.validate.PolicyException;

/**
 * The engine of a version a client names: the draft's (cached per org, {@link DraftEngines}), the active one
 * (cached, {@link ActiveEngine}) or version N's (built on each request: old versions are rarely asked for). Holds no
 * state of its own.
 */
public final class PolicyEngines {
    private final PolicyDocuments documents;
    private final ActiveEngine active;
    private final DraftEngines drafts;

    public PolicyEngines(PolicyDocuments documents, ActiveEngine active, PolicyInputs inputs) {
        this.documents = documents;
        this.active = active;
        this.drafts = new DraftEngines(inputs);
    }

    /** The engine of draft, active or version N; an invalid draft is a 406 listing every error. */
    public Engine engine(int org, String pversion) {
        if (pversion.equals("active")) return active.activeEngine(org);
        if (pversion.equals("draft")) return drafts.get(org, () -> documents.document(org, pversion), PolicyEngines::build);
        return build(documents.document(org, pversion));
    }

    /** An engine for a document; an invalid document is a 406 listing every error. */
    static Engine build(PolicyDocument doc) {
        try {
            return Engine.of(doc);
        } catch (PolicyException e) {
            throw ApiException.invalid(e.errors());
        }
    }
}
