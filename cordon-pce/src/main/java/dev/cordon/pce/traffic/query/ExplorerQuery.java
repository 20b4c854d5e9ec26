package dev.cordon.pce.traffic.query;

import java.util.List;

/**
 * An Explorer query as parsed from Illumio's body ({@code traffic_flows/async_queries}): the time window (epoch ms),
 * sources and destinations ({@code include} a list of lists — OR of ANDs —, {@code exclude} a flat list), services,
 * policy decisions, the cap on returned flows, how sources and destinations combine, and whether an IP-list include
 * leaves out workloads. {@code draft} asks for {@code draft_policy_decision} on every record (Cordon's addition).
 */
public record ExplorerQuery(String queryName, long start, long end, List<List<Filter>> srcInclude, List<Filter> srcExclude,
                            List<List<Filter>> dstInclude, List<Filter> dstExclude, List<ServiceFilter> servicesInclude,
                            List<ServiceFilter> servicesExclude, List<String> decisions, long maxResults, boolean or,
                            boolean excludeWorkloadsFromIpListQuery, boolean draft) {

    /** One source or destination filter. {@code labels} is the label hrefs it stands for (a label group expanded). */
    public record Filter(Kind kind, String value, List<String> labels) {
        public enum Kind { LABEL, LABEL_GROUP, WORKLOAD, IP_LIST, IP_ADDRESS, AMS, TRANSMISSION }
    }

    /** A service filter: protocol (null any), port range (null any), ICMP type/code (null any). */
    public record ServiceFilter(Integer proto, Integer port, Integer toPort, Integer icmpType, Integer icmpCode) {}
}
