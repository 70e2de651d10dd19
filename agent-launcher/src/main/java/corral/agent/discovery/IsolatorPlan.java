package corral.agent.discovery;

import java.util.List;

/**
 * The isolators of one agent in their fixed order: {@code prepare} runs in this order,
 * {@code cleanup} in reverse.
 *
 * @param isolators the created isolators, in order
 */
public record IsolatorPlan(List<PlannedIsolator> isolators) {

    /** @param isolators the created isolators, in order */
    public IsolatorPlan {
        isolators = List.copyOf(isolators);
    }

    /** @return whether an isolator with that id is in the plan */
    public boolean contains(String id) {
        return isolators.stream().anyMatch(i -> i.id().equals(id));
    }
}
