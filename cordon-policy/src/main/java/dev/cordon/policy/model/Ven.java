package dev.cordon.policy.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The VEN (agent) of a managed workload. {@code venType} is {@code server} or {@code endpoint}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Ven(String href, String venType) {
    public static final String SERVER = "server";
    public static final String ENDPOINT = "endpoint";

    public boolean isEndpoint() {
        return ENDPOINT.equals(venType);
    }
}
