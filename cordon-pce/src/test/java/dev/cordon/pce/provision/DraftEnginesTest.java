package dev.cordon.pce.provision;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cordon.pce.core.Json;
import dev.cordon.pce.core.Kind;
import dev.cordon.pce.auth.Principal;
import dev.cordon.pce.events.Events;
import dev.cordon.pce.store.Store;
import dev.cordon.policy.Engine;
import dev.cordon.policy.gen.OrgGenerator;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stored draft read twice is the same document to {@link SameAnswers} (else every write would rebuild), the
 * policy-inputs stamp moves once per write transaction that touches labels, workloads or draft objects and not for
 * other kinds, and the draft engine is kept across a write of a label nothing refers to but not across one that
 * matters.
 */
class DraftEnginesTest {
    @TempDir
    Path dir;
    Store store;
    PolicyService policy;
    PolicyInputs inputs;

    @BeforeEach
    void open() {
        store = Store.open(dir, null);
        Clock clock = Clock.systemUTC();
        policy = new PolicyService(store, new Events(store, clock), clock);
        inputs = new PolicyInputs(store);
        store.writeVoid(() -> store.orgs().create(1, "Default", Json.now(clock)));
        policy.initOrg(1, Principal.SYSTEM);
        policy.importDocument(1, Json.write(OrgGenerator.generate(60, 40, 3)), Principal.SYSTEM);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void theDraftReadTwiceAnswersTheSame() {
        assertThat(SameAnswers.of(policy.document(1, "draft"), policy.document(1, "draft"))).isTrue();
        assertThat(SameAnswers.of(policy.document(1, "active"), policy.document(1, "active"))).isTrue();
    }

    @Test
    void theStampMovesOncePerTransactionAndOnlyForPolicyInputs() {
        PolicyInputs.Stamp s0 = inputs.stamp(1);
        store.writeVoid(() -> {
            store.objects().put(1, Kind.LABEL.kind(), "/orgs/1/labels/9001", Json.parse(
                    "{\"href\":\"/orgs/1/labels/9001\",\"key\":\"role\",\"value\":\"spare\"}"), null);
            store.objects().put(1, Kind.LABEL.kind(), "/orgs/1/labels/9002", Json.parse(
                    "{\"href\":\"/orgs/1/labels/9002\",\"key\":\"role\",\"value\":\"spare2\"}"), null);
        });
        PolicyInputs.Stamp s1 = inputs.stamp(1);
        assertThat(s1.of("label")).isEqualTo(s0.of("label") + 1);
        assertThat(s1.changedSince(s0)).containsExactly("label");
        assertThat(s1.atLeast(s0)).isTrue();
        assertThat(s0.atLeast(s1)).isFalse();
        store.writeVoid(() -> store.objects().put(1, "pairing_profile", "/orgs/1/pairing_profiles/1", Json.parse("{}"), null));
        assertThat(inputs.stamp(1)).isEqualTo(s1);
        store.writeVoid(() -> store.objects().delete(1, Kind.IP_LIST.kind(), "/orgs/1/sec_policy/draft/ip_lists/2"));
        assertThat(inputs.stamp(1).changedSince(s1)).containsExactly("ip_list");
        PolicyInputs.Stamp s2 = inputs.stamp(1);
        store.writeVoid(() -> store.objects().delete(1, Kind.LABEL.kind(), "/orgs/1/labels/nothing-here"));
        assertThat(inputs.stamp(1)).isEqualTo(s2);
    }

    @Test
    void aLabelChangeThatMattersIsSeenAndAnInvalidOneIsRefused() {
        Engine first = policy.engine(1, "draft");
        // a referenced label renamed: read again, not the same answers, a new engine
        String body = store.objects().get(1, Kind.LABEL.kind(), "/orgs/1/labels/1").orElseThrow();
        store.writeVoid(() -> store.objects().put(1, Kind.LABEL.kind(), "/orgs/1/labels/1",
                Json.parse(body.replace("\"web\"", "\"web-renamed\"")), null));
        Engine renamed = policy.engine(1, "draft");
        assertThat(renamed).isNotSameAs(first);
        assertThat(renamed.document().labelsOrEmpty()).anyMatch(l -> l.value().equals("web-renamed"));
        // an unreferenced label without a key: the draft is invalid, and the check says so
        store.writeVoid(() -> store.objects().put(1, Kind.LABEL.kind(), "/orgs/1/labels/9003", Json.parse(
                "{\"href\":\"/orgs/1/labels/9003\",\"value\":\"keyless\"}"), null));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> policy.engine(1, "draft"))
                .isInstanceOf(dev.cordon.pce.core.ApiException.class);
    }

    @Test
    void aLabelNothingRefersToKeepsTheEngineAndARelabelDoesNot() {
        Engine first = policy.engine(1, "draft");
        assertThat(policy.engine(1, "draft")).isSameAs(first);
        store.writeVoid(() -> store.objects().put(1, Kind.LABEL.kind(), "/orgs/1/labels/9001", Json.parse(
                "{\"href\":\"/orgs/1/labels/9001\",\"key\":\"role\",\"value\":\"spare\"}"), null));
        assertThat(policy.engine(1, "draft")).isSameAs(first);

        String w0 = "/orgs/1/workloads/w0";
        String body = store.objects().get(1, Kind.WORKLOAD.kind(), w0).orElseThrow();
        store.writeVoid(() -> store.objects().put(1, Kind.WORKLOAD.kind(), w0, Json.parse(body.replaceFirst(
                "\"labels\":\\[[^\\]]*\\]", "\"labels\":[{\"href\":\"/orgs/1/labels/9001\"}]")), null));
        Engine relabelled = policy.engine(1, "draft");
        assertThat(relabelled).isNotSameAs(first);
        assertThat(relabelled.findWorkload(w0).orElseThrow().labelsOrEmpty().get(0).href()).isEqualTo("/orgs/1/labels/9001");
    }
}
