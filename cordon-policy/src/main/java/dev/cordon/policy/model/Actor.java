package dev.cordon.policy.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One item of an actor list (providers, consumers, custom-rule receivers) or of a scope: exactly one of
 * {@code actors: "ams"}, {@code label}, {@code label_group}, {@code workload}, {@code ip_list}, and for a rule's
 * providers {@code virtual_service}; labels and
 * label groups may carry {@code exclusion: true}. Validation, not the constructor, enforces "exactly one",
 * so that a document with several mistakes reports all of them.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Actor(String actors, Ref label, Ref labelGroup, Ref workload, Ref ipList, Boolean exclusion,
                    Ref virtualService) {
    public static final String AMS = "ams";

    /** An item that is not a virtual service (every kind but providers' virtual services). */
    public Actor(String actors, Ref label, Ref labelGroup, Ref workload, Ref ipList, Boolean exclusion) {
        this(actors, label, labelGroup, workload, ipList, exclusion, null);
    }

    /** A virtual service as a rule's provider: the workloads its service bindings put it on, on its ports. */
    public static Actor virtualService(String href) {
        return new Actor(null, null, null, null, null, null, Ref.of(href));
    }

    public static Actor ams() {
        return new Actor(AMS, null, null, null, null, null);
    }

    public static Actor label(String href) {
        return new Actor(null, Ref.of(href), null, null, null, null);
    }

    public static Actor labelExcluded(String href) {
        return new Actor(null, Ref.of(href), null, null, null, true);
    }

    public static Actor labelGroup(String href) {
        return new Actor(null, null, Ref.of(href), null, null, null);
    }

    public static Actor labelGroupExcluded(String href) {
        return new Actor(null, null, Ref.of(href), null, null, true);
    }

    public static Actor workload(String href) {
        return new Actor(null, null, null, Ref.of(href), null, null);
    }

    public static Actor ipList(String href) {
        return new Actor(null, null, null, null, Ref.of(href), null);
    }

    public boolean isExcluded() {
        return Boolean.TRUE.equals(exclusion);
    }

    public boolean isAms() {
        return AMS.equals(actors);
    }

    /** How many selectors this item names; a valid item names exactly one. */
    @JsonIgnore
    public int selectorCount() {
        int n = 0;
        if (actors != null) n++;
        if (label != null) n++;
        if (labelGroup != null) n++;
        if (workload != null) n++;
        if (ipList != null) n++;
        if (virtualService != null) n++;
        return n;
    }

    /** A short description for messages, e.g. {@code label /orgs/1/labels/3 (excluded)}. */
    @JsonIgnore
    public String display() {
        String s;
        if (actors != null) s = "actors " + actors;
        else if (label != null) s = "label " + label.href();
        else if (labelGroup != null) s = "label_group " + labelGroup.href();
        else if (workload != null) s = "workload " + workload.href();
        else if (ipList != null) s = "ip_list " + ipList.href();
        else if (virtualService != null) s = "virtual_service " + virtualService.href();
        else s = "empty actor";
        return isExcluded() ? s + " (excluded)" : s;
    }
}
