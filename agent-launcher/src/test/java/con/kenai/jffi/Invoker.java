package con.kenai.jffi;

/** Stand-in for {@code com.kenai.jffi.Invoker}, renamed in the fixtures' class files. */
public class Invoker {
}
