package dev.cordon.policy;

import dev.cordon.policy.compile.Coexistence;
import dev.cordon.policy.compile.CompiledOrg;
import dev.cordon.policy.compile.Compiler;
import dev.cordon.policy.compile.Endpoint;
import dev.cordon.policy.compile.FirewallPolicy;
import dev.cordon.policy.conflict.Conflict;
import dev.cordon.policy.conflict.ConflictFinder;
import dev.cordon.policy.decide.Decision;
import dev.cordon.policy.decide.Flow;
import dev.cordon.policy.decide.Oracle;
import dev.cordon.policy.membership.Resolved;
import dev.cordon.policy.model.PolicyDocument;
import dev.cordon.policy.model.Workload;
import dev.cordon.policy.validate.PolicyException;
import dev.cordon.policy.validate.ValidationError;
import dev.cordon.policy.validate.Validator;
import java.util.List;
import java.util.Optional;

/**
 * The policy engine's one entry point: validate a document, then explain flows, compile workloads' firewall
 * policies, and find conflicts. An {@code Engine} holds one valid, resolved document and is immutable; build a
 * new one for a new document (the PCE caches one per active version).
 */
public final class Engine {
    private final PolicyDocument document;
    private final Resolved resolved;
    private volatile CompiledOrg compiled;

    private Engine(PolicyDocument document) {
        this.document = document;
        this.resolved = Resolved.of(document);
    }

    /** Every problem with the document, all at once; empty when it is valid. */
    public static List<ValidationError> validate(PolicyDocument document) {
        return Validator.validate(document);
    }

    /** Validates and resolves; throws {@link PolicyException} with every error when the document is invalid. */
    public static Engine of(PolicyDocument document) {
        List<ValidationError> errors = Validator.validate(document);
        if (!errors.isEmpty()) {
            throw new PolicyException(errors);
        }
        return new Engine(document);
    }

    public PolicyDocument document() {
        return document;
    }

    public Resolved resolved() {
        return resolved;
    }

    /** Is this flow allowed, at which end is it decided, and by which rule. */
    public Decision explain(Flow flow) {
        return Oracle.explain(resolved, flow);
    }

    /** Every workload's compiled policy, grouped into policy classes; computed once and cached. */
    public CompiledOrg compileAll() {
        CompiledOrg c = compiled;
        if (c == null) {
            synchronized (this) {
                if (compiled == null) {
                    compiled = Compiler.compile(resolved);
                }
                c = compiled;
            }
        }
        return c;
    }

    /** The firewall policy of one workload (by href, name or hostname), at the given version. */
    public FirewallPolicy compile(String workload, long version) {
        return compile(workload, version, List.of());
    }

    /** The firewall policy of one workload, with the control-plane endpoints its VEN must always reach. */
    public FirewallPolicy compile(String workload, long version, List<Endpoint> controlPlane) {
        Workload w = findWorkload(workload).orElseThrow(() -> new PolicyException("unknown_workload",
                "No workload named '" + workload + "': give a workload's name, hostname or href."));
        return compileAll().policyOf(w.href(), version, controlPlane);
    }

    public Coexistence coexistence(String workloadHref) {
        return compileAll().coexistenceOf(workloadHref);
    }

    /** Allow rules blocked by override denies and deny rules re-allowed by allow rules, each with an example flow. */
    public List<Conflict> conflicts() {
        return ConflictFinder.find(resolved);
    }

    /** Finds a workload by href, name or hostname (in that order). */
    public Optional<Workload> findWorkload(String key) {
        return resolved.findWorkload(key);
    }
}
