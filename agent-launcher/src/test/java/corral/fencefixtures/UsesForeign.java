package corral.fencefixtures;

/** Violates the fence: uses the foreign function and memory API. */
public class UsesForeign {
    static int size(fake.lang.foreign.MemorySegment segment) {
        return segment.hashCode();
    }
}
