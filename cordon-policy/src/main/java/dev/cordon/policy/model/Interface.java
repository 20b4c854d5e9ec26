package dev.cordon.policy.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A workload's network interface: a name and one address (IPv4 or IPv6), with its prefix length. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Interface(String name, String address, Integer cidrBlock) {
    public static Interface of(String name, String address) {
        return new Interface(name, address, null);
    }
}
