package fake.lang.foreign;

/** Stand-in for {@code java.lang.foreign.MemorySegment} (not in JDK 17), renamed in the fixtures' class files. */
public class MemorySegment {
}
