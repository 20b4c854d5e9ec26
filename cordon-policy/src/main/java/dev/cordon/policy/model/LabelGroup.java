package dev.cordon.policy.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** A named group of labels of one key, possibly nesting other groups of the same key. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LabelGroup(String href, String name, String key, List<Ref> labels, List<Ref> subGroups,
                         String description, String externalDataSet, String externalDataReference,
                         String createdAt, String updatedAt, Ref createdBy, Ref updatedBy) {
    public LabelGroup {
        labels = Lists.copy(labels);
        subGroups = Lists.copy(subGroups);
    }

    public static LabelGroup of(String href, String name, String key, List<Ref> labels, List<Ref> subGroups) {
        return new LabelGroup(href, name, key, labels, subGroups, null, null, null, null, null, null, null);
    }

    public List<Ref> labelsOrEmpty() {
        return Lists.orEmpty(labels);
    }

    public List<Ref> subGroupsOrEmpty() {
        return Lists.orEmpty(subGroups);
    }
}
