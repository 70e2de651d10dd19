package corral.isolator.wallfixture;

/** Violates a wall: an isolator-side class using the agent. */
public class ReachesIntoTheAgent {
    static String agent() {
        return corral.agent.Main.class.getName();
    }
}
