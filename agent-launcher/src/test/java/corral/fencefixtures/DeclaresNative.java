package corral.fencefixtures;

/** Violates the fence: declares a JNI method. */
public class DeclaresNative {
    static native int getpid();
}
