package dev.cordon.protocol;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/** A reference to a PCE object by its href ({@code {"href": "/orgs/1/vens/…"}}). */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Ref(@JsonProperty("href") String href) {}
