package corral.bindings.libc;

import jnr.ffi.LibraryLoader;
import jnr.ffi.LibraryOption;
import jnr.ffi.Runtime;

/**
 * Loads jnr-ffi interfaces for the C library. Each facade loads its own small interface, once,
 * lazily; a missing symbol fails at load time rather than at the first call.
 */
public final class Libraries {

    private Libraries() {
    }

    /**
     * @param type a jnr-ffi interface declaring C library functions
     * @param <T> the interface type
     * @return the loaded library, saving errno after each call
     */
    public static <T> T libc(Class<T> type) {
        return LibraryLoader.create(type)
                .option(LibraryOption.SaveError, true)
                .failImmediately()
                .load("c");
    }

    /**
     * @param library a loaded library
     * @return the errno the last call on this thread left
     */
    public static int lastErrno(Object library) {
        return Runtime.getRuntime(library).getLastError();
    }
}
