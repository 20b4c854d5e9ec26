package dev.cordon.policy.model;

/** A reference to another object by its {@code href}, as the API writes it: {@code {"href": "/orgs/1/labels/3"}}. */
public record Ref(String href) {
    public static Ref of(String href) {
        return new Ref(href);
    }
}
