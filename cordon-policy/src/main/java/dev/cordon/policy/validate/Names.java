package dev.cordon.policy.validate;

import dev.cordon.policy.model.IpList;
import dev.cordon.policy.model.Label;
import dev.cordon.policy.model.LabelGroup;
import dev.cordon.policy.model.Service;
import dev.cordon.policy.model.Workload;

/** How messages name each kind of object: its name or key=value, and its href. */
final class Names {
    private Names() {}

    static String href(String href) {
        return href == null || href.isBlank() ? "no href" : href;
    }

    static String label(Label l) {
        return "Label " + l.key() + "=" + l.value() + " (" + href(l.href()) + ")";
    }

    static String labelGroup(LabelGroup g) {
        return "Label group '" + g.name() + "' (" + href(g.href()) + ")";
    }

    static String workload(Workload w) {
        return "Workload '" + w.display() + "' (" + href(w.href()) + ")";
    }

    static String ipList(IpList l) {
        return "IP list '" + l.name() + "' (" + href(l.href()) + ")";
    }

    static String service(Service s) {
        return "Service '" + s.name() + "' (" + href(s.href()) + ")";
    }
}
