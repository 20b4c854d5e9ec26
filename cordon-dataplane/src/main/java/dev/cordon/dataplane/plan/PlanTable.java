package dev.cordon.dataplane.plan;

import dev.cordon.dataplane.Family;
import java.util.List;

/**
 * What Cordon wants at one stage of one family: its chains and, per hook, the chain the hook jumps to (in hook
 * order). A stage Cordon needs nothing at is left out in coexistence and present, empty, when exclusive (Cordon
 * then owns the whole stage and removes what others put there).
 */
public record PlanTable(Family family, Stage stage, List<PlanChain> chains, List<Jump> jumps) {
    public PlanTable {
        chains = List.copyOf(chains);
        jumps = List.copyOf(jumps);
    }

    /** The hook {@code hook} of this stage enters Cordon's chain {@code chain}. */
    public record Jump(Stage.Hook hook, String chain) {}
}
