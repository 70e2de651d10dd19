package corral.fencefixtures;

/** Violates the fence: a jnr type in a public signature outside a bindings package. */
public class LeaksJnrInSignature {
    public jnx.ffi.Pointer pointer() {
        return null;
    }

    public void take(java.util.List<jnx.ffi.Pointer> pointers) {
    }
}
