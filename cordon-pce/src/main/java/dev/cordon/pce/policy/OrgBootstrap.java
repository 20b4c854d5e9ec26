package dev.cordon.pce.policy;

import dev.cordon.pce.auth.Principal;
import dev.cordon.pce.core.Json;
import dev.cordon.pce.core.Kind;
import dev.cordon.pce.store.Store;
import dev.cordon.policy.model.FirewallSettings;
import dev.cordon.policy.model.IpList;
import dev.cordon.policy.model.IpRange;
import dev.cordon.policy.model.PolicyDocument;
import dev.cordon.policy.model.Ref;
import dev.cordon.policy.model.Service;
import dev.cordon.policy.model.ServicePort;
import java.time.Clock;
import java.util.List;

/**
 * A new org's policy: the built-ins (IP list Any, service All Services), empty firewall settings, and version 1
 * provisioned from them. Holds no state; one write transaction (joining the caller's, on first start).
 */
public final class OrgBootstrap {
    private final Store store;
    private final Clock clock;
    private final PolicyDocuments documents;
    private final VersionRecords records;

    public OrgBootstrap(Store store, Clock clock, PolicyDocuments documents, VersionRecords records) {
        this.store = store;
        this.clock = clock;
        this.documents = documents;
        this.records = records;
    }

    public void initOrg(int org, Principal by) {
        store.writeVoid(() -> {
            String now = Json.now(clock);
            Ref me = Ref.of(by.href());
            String ipHref = Kind.IP_LIST.base(org) + "/" + store.counters().next(org, Kind.IP_LIST.kind());
            IpList any = new IpList(ipHref, PolicyHrefs.ANY_IP_LIST, null, List.of(IpRange.of("0.0.0.0/0"), IpRange.of("::/0")),
                    null, null, null, now, now, me, me);
            store.objects().put(org, Kind.IP_LIST.kind(), ipHref, Json.tree(any), null);
            String svcHref = Kind.SERVICE.base(org) + "/" + store.counters().next(org, Kind.SERVICE.kind());
            Service all = new Service(svcHref, Service.ALL_SERVICES_NAME, null, List.of(new ServicePort(-1, null, null, null, null)),
                    null, null, now, now, me, me);
            store.objects().put(org, Kind.SERVICE.kind(), svcHref, Json.tree(all), null);
            FirewallSettings fs = new FirewallSettings(PolicyHrefs.settingsHref(org), List.of(), now, now, me, me);
            store.objects().put(org, Kind.FIREWALL_SETTINGS.kind(), fs.href(), Json.tree(fs), null);
            PolicyDocument doc = documents.draftVersioned(org);
            records.insert(org, 1, "Initial policy: built-in IP list and service", by, 0, doc);
        });
    }
}
