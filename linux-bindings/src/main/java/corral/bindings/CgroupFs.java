package corral.bindings;

import corral.bindings.libc.CgroupLibC;
import corral.bindings.libc.Libraries;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The calls the cgroups support library makes on cgroupfs: {@code mkdir}, {@code rmdir}, a whole-file
 * {@code write} and {@code read}, and {@code flock} to serialize mounting between agents; it forwards
 * {@code mount}/{@code umount2} of a hierarchy to {@link Mounts} (signals are {@link Signals}'s).
 * They go to the C library rather than through {@code java.nio} so that a failure keeps its errno:
 * the kernel reports cgroup errors (EBUSY on rmdir, EINVAL on a bad value) only that way.
 *
 * <p>Every method retries on EINTR and throws {@link NativeException} naming the call, the path and
 * the errno. Thread-safe.
 */
public final class CgroupFs {

    private static final int O_RDONLY = 0;
    private static final int O_WRONLY = 1;
    private static final int O_CLOEXEC = 0x80000;
    private static final int LOCK_EX = 2;

    /** {@code umount2} flag: detach lazily. */
    public static final int MNT_DETACH = Mounts.MNT_DETACH;

    private CgroupFs() {
    }

    /** A held {@link #flock}; {@link #close()} releases it and never fails. */
    public interface Lock extends AutoCloseable {
        @Override
        void close();
    }

    private static final class Holder {
        static final CgroupLibC LIBC = Libraries.libc(CgroupLibC.class);
    }

    private static CgroupLibC libc() {
        return Holder.LIBC;
    }

    private static Errno errno() {
        return new Errno(Libraries.lastErrno(libc()));
    }

    /**
     * Creates one directory.
     *
     * @param path the directory
     * @param mode its permission bits
     * @throws NativeException {@code mkdir <path>: EEXIST (File exists)} and the like
     */
    public static void mkdir(Path path, int mode) throws NativeException {
        while (libc().mkdir(path.toString(), mode) != 0) {
            Errno e = errno();
            if (e.number() != Errno.EINTR) {
                throw new NativeException("mkdir", path.toString(), e);
            }
        }
    }

    /**
     * Removes one empty directory (a cgroup).
     *
     * @param path the directory
     * @throws NativeException {@code rmdir <path>: EBUSY (Device or resource busy)} and the like
     */
    public static void rmdir(Path path) throws NativeException {
        while (libc().rmdir(path.toString()) != 0) {
            Errno e = errno();
            if (e.number() != Errno.EINTR) {
                throw new NativeException("rmdir", path.toString(), e);
            }
        }
    }

    /**
     * Writes a value to a file with a single {@code write} call, as cgroup control files need.
     *
     * @param path the file, which must exist
     * @param value the text to write
     * @throws NativeException {@code open <path>: ...} or {@code write <path>: ...}
     */
    public static void write(Path path, String value) throws NativeException {
        int fd = open(path, O_WRONLY | O_CLOEXEC);
        try {
            byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
            long n;
            while ((n = Fds.libc().write(fd, bytes, bytes.length)) < 0) {
                Errno e = new Errno(Fds.errno());
                if (e.number() != Errno.EINTR) {
                    throw new NativeException("write", path.toString(), e);
                }
            }
            if (n != bytes.length) {
                throw new NativeException("write", path.toString(), new Errno(Errno.EAGAIN));
            }
        } finally {
            Fds.libc().close(fd);
        }
    }

    /**
     * Reads a whole file.
     *
     * @param path the file
     * @return its content as UTF-8 text
     * @throws NativeException {@code open <path>: ...} or {@code read <path>: ...}
     */
    public static String read(Path path) throws NativeException {
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[16384];
            while (true) {
                long n = Fds.libc().read(fd, buf, buf.length);
                if (n < 0) {
                    Errno e = new Errno(Fds.errno());
                    if (e.number() == Errno.EINTR) {
                        continue;
                    }
                    throw new NativeException("read", path.toString(), e);
                }
                if (n == 0) {
                    return out.toString(StandardCharsets.UTF_8);
                }
                out.write(buf, 0, (int) n);
            }
        } finally {
            Fds.libc().close(fd);
        }
    }

    private static int open(Path path, int flags) throws NativeException {
        while (true) {
            int fd = Fds.libc().open(path.toString(), flags, 0);
            if (fd >= 0) {
                return fd;
            }
            Errno e = new Errno(Fds.errno());
            if (e.number() != Errno.EINTR) {
                throw new NativeException("open", path.toString(), e);
            }
        }
    }

    /**
     * Mounts a cgroup hierarchy: {@code mount -t <type> -o <options> <source> <target>}.
     *
     * @param source the source name shown in the mount table, such as {@code net_cls}
     * @param target the mount point, which must exist
     * @param type {@code cgroup} or {@code cgroup2}
     * @param options the data string, such as {@code net_cls}, or {@code null}
     * @throws NativeException {@code mount <target>: EBUSY (...)} and the like
     */
    public static void mount(String source, Path target, String type, String options) throws NativeException {
        Mounts.mount(source, target.toString(), type, 0L, options);
    }

    /**
     * @param target the mount point
     * @param flags {@code 0} or {@link #MNT_DETACH}
     * @throws NativeException {@code umount2 <target>: EBUSY (...)} and the like
     */
    public static void umount2(Path target, int flags) throws NativeException {
        Mounts.umount2(target.toString(), flags);
    }

    /**
     * Takes an exclusive {@code flock} on a file or directory, waiting for it; closing the returned
     * lock releases it. Serializes work between processes (two agents mounting one hierarchy).
     *
     * @param path an existing file or directory
     * @return the held lock
     * @throws NativeException {@code open <path>: ...} or {@code flock <path>: ...}
     */
    public static Lock flock(Path path) throws NativeException {
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        while (libc().flock(fd, LOCK_EX) != 0) {
            Errno e = errno();
            if (e.number() != Errno.EINTR) {
                Fds.libc().close(fd);
                throw new NativeException("flock", path.toString(), e);
            }
        }
        return () -> Fds.libc().close(fd);
    }
}
