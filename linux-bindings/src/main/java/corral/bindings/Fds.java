package corral.bindings;

import corral.bindings.libc.Libraries;
import corral.bindings.libc.LibcFile;

/** The file-descriptor calls the facades share, loaded once on first use. */
final class Fds {

    private Fds() {
    }

    private static final class Holder {
        static final LibcFile LIBC = Libraries.libc(LibcFile.class);
    }

    static LibcFile libc() {
        return Holder.LIBC;
    }

    /** @return the errno the last call on this thread left */
    static int errno() {
        return Libraries.lastErrno(Holder.LIBC);
    }
}
