package dev.cordon.policy.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A label: one {@code key=value} pair a workload carries (role, app, env, loc, or a custom key). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Label(String href, String key, String value, String description,
                    String externalDataSet, String externalDataReference,
                    String createdAt, String updatedAt, Ref createdBy, Ref updatedBy) {
    public static Label of(String href, String key, String value) {
        return new Label(href, key, value, null, null, null, null, null, null, null);
    }

    public String display() {
        return key + "=" + value;
    }
}
