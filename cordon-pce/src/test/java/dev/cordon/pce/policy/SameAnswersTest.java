package dev.cordon.pce.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cordon.policy.Engine;
import dev.cordon.policy.decide.Flow;
import dev.cordon.policy.gen.OrgGenerator;
import dev.cordon.policy.model.IpList;
import dev.cordon.policy.model.IpRange;
import dev.cordon.policy.model.Label;
import dev.cordon.policy.model.PolicyDocument;
import dev.cordon.policy.model.Ref;
import dev.cordon.policy.model.Workload;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An engine is kept across a change only when the change touches labels or IP lists nothing refers to; any change a
 * workload, label group or rule set can see builds a new engine.
 */
class SameAnswersTest {
    final PolicyDocument doc = OrgGenerator.generate(50, 40, 7);

    static <T> List<T> plus(List<T> l, T t) {
        List<T> out = new ArrayList<>(l);
        out.add(t);
        return out;
    }

    @Test
    void unreferencedLabelsAndIpListsChangeNoAnswer() {
        Label spare = Label.of("/orgs/1/labels/9001", "role", "spare");
        PolicyDocument withSpare = doc.withLabels(plus(doc.labelsOrEmpty(), spare));
        assertThat(SameAnswers.of(doc, withSpare)).isTrue();
        assertThat(SameAnswers.of(withSpare, withSpare.withLabels(plus(doc.labelsOrEmpty(),
                Label.of(spare.href(), "role", "renamed"))))).isTrue();
        IpList partners = IpList.of("/orgs/1/sec_policy/draft/ip_lists/9001", "spare", List.of(IpRange.of("198.51.100.0/24")));
        assertThat(SameAnswers.of(doc, doc.withIpLists(plus(doc.ipListsOrEmpty(), partners)))).isTrue();
    }

    @Test
    void anythingReferredToOrAnyOtherObjectBuildsAgain() {
        Label spare = Label.of("/orgs/1/labels/9001", "role", "spare");
        PolicyDocument withSpare = doc.withLabels(plus(doc.labelsOrEmpty(), spare));
        // a workload now carries the label
        List<Workload> ws = new ArrayList<>(withSpare.workloadsOrEmpty());
        Workload w0 = ws.get(0);
        ws.set(0, w0.withLabels(List.of(Ref.of(spare.href()))));
        assertThat(SameAnswers.of(withSpare, withSpare.withWorkloads(ws))).isFalse();

        // a referenced label renamed: the same href, another value
        Label used = doc.labelsOrEmpty().get(0);
        List<Label> renamed = new ArrayList<>(doc.labelsOrEmpty());
        renamed.set(0, Label.of(used.href(), used.key(), used.value() + "-renamed"));
        assertThat(SameAnswers.of(doc, doc.withLabels(renamed))).isFalse();
        // a referenced label removed
        assertThat(SameAnswers.of(doc, doc.withLabels(doc.labelsOrEmpty().subList(1, doc.labelsOrEmpty().size())))).isFalse();

        // an IP list a rule uses, changed
        List<IpList> lists = new ArrayList<>(doc.ipListsOrEmpty());
        IpList usedList = lists.get(1);
        lists.set(1, IpList.of(usedList.href(), usedList.name(), List.of(IpRange.of("203.0.113.0/24"))));
        assertThat(SameAnswers.of(doc, doc.withIpLists(lists))).isFalse();

        assertThat(SameAnswers.of(doc, doc.withRuleSets(doc.ruleSetsOrEmpty().subList(1, doc.ruleSetsOrEmpty().size())))).isFalse();
    }

    @Test
    void aKeptEngineAnswersAsANewOneWouldAndAnInvalidDocumentIsStillRefused() {
        Engine first = Engine.of(doc);
        PolicyDocument withSpare = doc.withLabels(plus(doc.labelsOrEmpty(), Label.of("/orgs/1/labels/9001", "role", "spare")));
        Engine kept = SameAnswers.reuseOrBuild(first, withSpare, Engine::of);
        assertThat(kept).isSameAs(first);
        Engine fresh = Engine.of(withSpare);
        String a = doc.workloadsOrEmpty().get(0).href();
        String b = doc.workloadsOrEmpty().get(1).href();
        for (int port : new int[] {22, 1074, 1111, 9100}) {
            String src = doc.workloadsOrEmpty().get(0).interfacesOrEmpty().get(0).address();
            String dst = doc.workloadsOrEmpty().get(1).interfacesOrEmpty().get(0).address();
            assertThat(kept.explain(new Flow(src, dst, 6, port))).isEqualTo(fresh.explain(new Flow(src, dst, 6, port)));
        }
        assertThat(kept.compileAll().samePolicy(a, fresh.compileAll())).isTrue();
        assertThat(kept.compileAll().samePolicy(b, fresh.compileAll())).isTrue();

        // an unreferenced label without a key makes the document invalid: it goes to the build (which reports it)
        PolicyDocument invalid = doc.withLabels(plus(doc.labelsOrEmpty(), Label.of("/orgs/1/labels/9002", null, "x")));
        assertThat(Engine.validate(invalid)).isNotEmpty();
        assertThat(SameAnswers.of(doc, invalid)).isTrue();
        assertThat(SameAnswers.reuseOrBuild(first, invalid, d -> null)).isNull();
    }
}
