package dev.cordon.pce.provision;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cordon.pce.core.Json;
import dev.cordon.pce.core.Kind;
import dev.cordon.pce.events.Events;
import dev.cordon.pce.store.Store;
import dev.cordon.policy.model.Ref;
import dev.cordon.policy.model.Workload;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Live workloads are parsed again only when their stored text changed; deleted ones are gone at once. */
class LiveWorkloadsTest {
    @TempDir
    Path dir;
    Store store;
    PolicyService policy;

    @BeforeEach
    void open() {
        store = Store.open(dir, null);
        Clock clock = Clock.systemUTC();
        policy = new PolicyService(store, new Events(store, clock), clock);
        store.writeVoid(() -> {
            store.orgs().create(1, "Default", Json.now(clock));
            // the labels the workloads name: a workload naming a missing label is set aside, not live
            for (int i = 1; i <= 2; i++) {
                store.objects().put(1, Kind.LABEL.kind(), "/orgs/1/labels/" + i, Json.parse("{\"href\":\"/orgs/1/labels/" + i
                        + "\",\"key\":\"role\",\"value\":\"r" + i + "\"}"), null);
            }
        });
    }

    @Test
    void aWorkloadTheEngineCannotCompileIsLeftOutAndTheRestStayLive() {
        put("a", "/orgs/1/labels/1");
        put("gone", "/orgs/1/labels/99");
        assertThat(policy.liveWorkloads(1)).extracting(Workload::name).containsExactly("a");
        assertThat(policy.setAside().verdict(1, "/orgs/1/workloads/gone", Json.parse(store.objects().get(1, Kind.WORKLOAD.kind(),
                "/orgs/1/workloads/gone").orElseThrow())).problems()).extracting(e -> e.token()).contains("unknown_label");
    }

    @AfterEach
    void close() {
        store.close();
    }

    void put(String id, String label) {
        store.writeVoid(() -> store.objects().put(1, Kind.WORKLOAD.kind(), "/orgs/1/workloads/" + id, Json.parse(
                "{\"href\":\"/orgs/1/workloads/" + id + "\",\"name\":\"" + id + "\",\"labels\":[{\"href\":\"" + label + "\"}],"
                        + "\"interfaces\":[{\"name\":\"eth0\",\"address\":\"10.0.0.1\"}],\"managed\":false}"), null));
    }

    Workload live(String id) {
        return policy.liveWorkloads(1).stream().filter(w -> w.href().endsWith("/" + id)).findFirst().orElse(null);
    }

    @Test
    void anUnchangedRowIsNotParsedAgainAndAChangedOneIs() {
        put("a", "/orgs/1/labels/1");
        put("b", "/orgs/1/labels/1");
        Workload a = live("a");
        Workload b = live("b");
        assertThat(live("a")).isSameAs(a);

        put("b", "/orgs/1/labels/2");
        assertThat(live("a")).isSameAs(a);
        assertThat(live("b")).isNotSameAs(b);
        assertThat(live("b").labelsOrEmpty()).containsExactly(Ref.of("/orgs/1/labels/2"));
    }

    @Test
    void aDeletedWorkloadIsNoLongerLive() {
        put("a", "/orgs/1/labels/1");
        put("b", "/orgs/1/labels/1");
        assertThat(policy.liveWorkloads(1)).hasSize(2);
        store.writeVoid(() -> store.objects().delete(1, Kind.WORKLOAD.kind(), "/orgs/1/workloads/a"));
        assertThat(policy.liveWorkloads(1)).extracting(Workload::name).containsExactly("b");
    }
}
