package dev.cordon.policy.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/** One custom iptables statement: the append form {@code -t <table_name> -A <chain_name> <parameters>}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Statement(String tableName, String chainName, String parameters) {
    public String display() {
        return "-t " + tableName + " -A " + chainName + " " + parameters;
    }
}
