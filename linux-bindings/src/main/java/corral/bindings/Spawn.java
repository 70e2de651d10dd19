package corral.bindings;

import corral.bindings.libc.Libraries;
import corral.bindings.libc.LibcSpawn;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * {@code posix_spawn} with file actions and attributes, and pipes.
 *
 * <p>A {@link Request} holds everything in native memory, made on the calling thread; only
 * {@link Request#posix_spawn()} has to run on the thread whose namespaces and cgroups the child
 * should inherit. That thread then allocates nothing: jnr-ffi starts a helper thread on its first
 * allocation, which a thread in a fresh pid namespace cannot do (call {@link #preinitialize()} once
 * on an ordinary thread).
 */
public final class Spawn {

    /** Open for reading only. */
    public static final int O_RDONLY = 0;
    /** Open for writing only. */
    public static final int O_WRONLY = 1;
    /** Create if missing. */
    public static final int O_CREAT = 0100;
    /** Truncate to zero length. */
    public static final int O_TRUNC = 01000;
    /** Append. */
    public static final int O_APPEND = 02000;
    /** Close on exec. */
    public static final int O_CLOEXEC = 02000000;

    /** Reset the signals in the default set to their default action in the child. */
    public static final short POSIX_SPAWN_SETSIGDEF = 0x04;
    /** Set the child's signal mask. */
    public static final short POSIX_SPAWN_SETSIGMASK = 0x08;
    /** Make the child a session leader. */
    public static final short POSIX_SPAWN_SETSID = 0x80;

    // glibc x86_64/aarch64 sizes, rounded up generously
    private static final int FILE_ACTIONS_SIZE = 128;
    private static final int ATTR_SIZE = 512;
    private static final int SIGSET_SIZE = 128;

    private static final LibcSpawn LIBC = Libraries.libc(LibcSpawn.class);
    private static final Runtime RUNTIME = Runtime.getRuntime(LIBC);

    private Spawn() {
    }

    /** Starts jnr-ffi's lazy helper threads and libraries on this (ordinary) thread. */
    public static void preinitialize() {
        Memory.allocateDirect(RUNTIME, 8);
    }

    /** @return a new request: empty file actions and default attributes */
    public static Request request() {
        return new Request();
    }

    /**
     * @param flags {@code O_CLOEXEC} and such
     * @return the read end and the write end
     * @throws NativeException if the kernel refuses
     */
    public static int[] pipe2(int flags) throws NativeException {
        int[] fds = new int[2];
        if (LIBC.pipe2(fds, flags) < 0) {
            throw failure("pipe2", null);
        }
        return fds;
    }

    /**
     * Closes an fd; never retried, as on Linux the fd is gone even after EINTR.
     *
     * @param fd the fd
     * @throws NativeException if the kernel reports an error
     */
    public static void close(int fd) throws NativeException {
        if (Fds.libc().close(fd) < 0 && Fds.errno() != Errno.EINTR) {
            throw new NativeException("close", "fd " + fd, new Errno(Fds.errno()));
        }
    }

    /**
     * Writes all of {@code data}, retrying on EINTR and short writes.
     *
     * @param fd the fd
     * @param data the bytes
     * @throws NativeException if the kernel refuses
     */
    public static void write(int fd, byte[] data) throws NativeException {
        int done = 0;
        while (done < data.length) {
            byte[] rest = done == 0 ? data : java.util.Arrays.copyOfRange(data, done, data.length);
            long n = Fds.libc().write(fd, rest, rest.length);
            if (n < 0) {
                int errno = Fds.errno();
                if (errno == Errno.EINTR) {
                    continue;
                }
                throw new NativeException("write", "fd " + fd, new Errno(errno));
            }
            done += (int) n;
        }
    }

    /**
     * @param path the file
     * @param flags {@code O_*} flags ({@code O_CLOEXEC} is always added)
     * @return the fd
     * @throws NativeException naming the path
     */
    public static int open(String path, int flags) throws NativeException {
        int fd = Fds.libc().open(path, flags | O_CLOEXEC, 0);
        if (fd < 0) {
            throw new NativeException("open", path, new Errno(Fds.errno()));
        }
        return fd;
    }

    /**
     * Reads what is there, retrying on EINTR; blocks until at least one byte or end of file.
     *
     * @param fd the fd
     * @param buffer where the bytes go
     * @return how many bytes were read, 0 at end of file
     * @throws NativeException if the kernel refuses
     */
    public static int read(int fd, byte[] buffer) throws NativeException {
        while (true) {
            long n = Fds.libc().read(fd, buffer, buffer.length);
            if (n >= 0) {
                return (int) n;
            }
            int errno = Fds.errno();
            if (errno != Errno.EINTR) {
                throw new NativeException("read", "fd " + fd, new Errno(errno));
            }
        }
    }

    private static NativeException failure(String call, String target) {
        return new NativeException(call, target, new Errno(Libraries.lastErrno(LIBC)));
    }

    private static void check(int rc, String call, String target) throws NativeException {
        if (rc != 0) {
            throw new NativeException(call, target, new Errno(rc));
        }
    }

    /**
     * One child to spawn: file actions (applied in the order added) and attributes. Not thread-safe;
     * close it after the spawn.
     */
    public static final class Request implements AutoCloseable {

        private final Pointer fileActions = Memory.allocateDirect(RUNTIME, FILE_ACTIONS_SIZE, true);
        private final Pointer attr = Memory.allocateDirect(RUNTIME, ATTR_SIZE, true);
        private final List<Pointer> keep = new ArrayList<>();
        private Pointer argv;
        private Pointer envp;
        private String path;
        private short flags;
        private boolean closed;

        private Request() {
            LIBC.posix_spawn_file_actions_init(fileActions);
            LIBC.posix_spawnattr_init(attr);
        }

        /**
         * @param fd the child's fd
         * @param file the file to open in the child
         * @param oflag {@code O_*} flags
         * @param mode the mode of a created file
         * @return this
         * @throws NativeException if glibc refuses the action
         */
        public Request addopen(int fd, String file, int oflag, int mode) throws NativeException {
            check(LIBC.posix_spawn_file_actions_addopen(fileActions, fd, file, oflag, mode),
                    "posix_spawn_file_actions_addopen", file);
            return this;
        }

        /**
         * @param fd an fd of the parent
         * @param newfd the child's copy, without close-on-exec
         * @return this
         * @throws NativeException if glibc refuses the action
         */
        public Request adddup2(int fd, int newfd) throws NativeException {
            check(LIBC.posix_spawn_file_actions_adddup2(fileActions, fd, newfd),
                    "posix_spawn_file_actions_adddup2", "fd " + fd);
            return this;
        }

        /**
         * @param lowfd the lowest fd to close in the child; all above are closed too
         * @return this
         * @throws NativeException if glibc refuses the action
         */
        public Request addclosefrom_np(int lowfd) throws NativeException {
            check(LIBC.posix_spawn_file_actions_addclosefrom_np(fileActions, lowfd),
                    "posix_spawn_file_actions_addclosefrom_np", "fd " + lowfd);
            return this;
        }

        /**
         * @param directory the child's working directory
         * @return this
         * @throws NativeException if glibc refuses the action
         */
        public Request addchdir_np(String directory) throws NativeException {
            check(LIBC.posix_spawn_file_actions_addchdir_np(fileActions, directory),
                    "posix_spawn_file_actions_addchdir_np", directory);
            return this;
        }

        /**
         * The child starts with no signal blocked and every signal at its default action, whatever
         * the spawning thread had (JVM threads block SIGQUIT; JDK-spawned JVMs ignore 32 and 33).
         *
         * @return this
         */
        public Request setsigmaskEmptyAndSigdefaultAll() {
            Pointer empty = Memory.allocateDirect(RUNTIME, SIGSET_SIZE, true);
            Pointer all = Memory.allocateDirect(RUNTIME, SIGSET_SIZE, true);
            keep.add(empty);
            keep.add(all);
            LIBC.sigemptyset(empty);
            // not sigfillset: it leaves out glibc's internal signals 32 and 33, which a JDK-spawned
            // JVM inherits ignored; every bit set makes the child reset those too
            for (int i = 0; i < SIGSET_SIZE; i++) {
                all.putByte(i, (byte) 0xff);
            }
            LIBC.posix_spawnattr_setsigmask(attr, empty);
            LIBC.posix_spawnattr_setsigdefault(attr, all);
            flags |= POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
            return this;
        }

        /** @return this, with the child made a session (and process group) leader */
        public Request setsid() {
            flags |= POSIX_SPAWN_SETSID;
            return this;
        }

        /**
         * @param executable the absolute path of the program
         * @param arguments argv, including argv[0]
         * @param environment envp entries {@code NAME=value}
         * @return this
         */
        public Request program(String executable, List<String> arguments, List<String> environment) {
            this.path = executable;
            this.argv = strings(arguments);
            this.envp = strings(environment);
            return this;
        }

        private Pointer strings(List<String> values) {
            int slot = RUNTIME.addressSize();
            List<byte[]> encoded = new ArrayList<>(values.size());
            long size = (long) (values.size() + 1) * slot;
            for (String value : values) {
                byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
                for (byte b : bytes) {
                    if (b == 0) {
                        throw new IllegalArgumentException("NUL byte in argument or environment entry");
                    }
                }
                encoded.add(bytes);
                size += bytes.length + 1;
            }
            Pointer block = Memory.allocateDirect(RUNTIME, (int) size, true);
            keep.add(block);
            long text = (long) (values.size() + 1) * slot;
            for (int i = 0; i < encoded.size(); i++) {
                byte[] bytes = encoded.get(i);
                block.put(text, bytes, 0, bytes.length);
                block.putByte(text + bytes.length, (byte) 0);
                block.putAddress((long) i * slot, block.address() + text);
                text += bytes.length + 1;
            }
            block.putAddress((long) values.size() * slot, 0L);
            return block;
        }

        /**
         * Spawns the child. Allocates no native memory and starts no thread, so it may run on a
         * thread that has unshared its pid namespace.
         *
         * @return the child's pid, as seen from the caller's pid namespace
         * @throws NativeException if the spawn failed (file actions or exec included)
         */
        public long posix_spawn() throws NativeException {
            if (path == null) {
                throw new IllegalStateException("program not set");
            }
            LIBC.posix_spawnattr_setflags(attr, flags);
            int[] pid = new int[1];
            check(LIBC.posix_spawn(pid, path, fileActions, attr, argv, envp), "posix_spawn", path);
            return pid[0];
        }

        /** Frees glibc's copies of the file actions. */
        @Override
        public void close() {
            if (!closed) {
                closed = true;
                LIBC.posix_spawn_file_actions_destroy(fileActions);
                LIBC.posix_spawnattr_destroy(attr);
                keep.clear();
            }
        }
    }
}
