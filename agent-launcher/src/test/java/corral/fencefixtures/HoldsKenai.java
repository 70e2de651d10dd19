package corral.fencefixtures;

/** Violates the fence: holds a jffi type outside a bindings package. */
public class HoldsKenai {
    private con.kenai.jffi.Invoker invoker;
}
