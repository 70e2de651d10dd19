package corral.fencefixtures;

/** Violates the fence: calls jnr-ffi outside a bindings package. */
public class CallsJnr {
    static long address() {
        return new jnx.ffi.Pointer().address();
    }
}
