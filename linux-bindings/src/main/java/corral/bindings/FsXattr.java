package corral.bindings;

import corral.bindings.libc.Libraries;
import corral.bindings.libc.XfsLibC;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * File attributes set through {@code FS_IOC_FSGETXATTR}/{@code FS_IOC_FSSETXATTR} ({@code struct fsxattr}):
 * the project id and the project-inherit flag that XFS project quotas count by.
 *
 * <p>Nothing here follows a symbolic link. Single files are opened with {@code O_NOFOLLOW}; a tree is
 * walked by directory descriptor ({@code openat} relative to the parent's descriptor, never by a path
 * that could be re-resolved), so a link planted anywhere in the tree cannot redirect the walk outside
 * it. Thread-safe: no shared mutable state.
 */
public final class FsXattr {

    /** {@code FS_XFLAG_PROJINHERIT}: new files in this directory take its project id. */
    public static final int FS_XFLAG_PROJINHERIT = 0x200;

    static final long FS_IOC_FSGETXATTR = 0x801c581fL;
    static final long FS_IOC_FSSETXATTR = 0x401c5820L;
    private static final int STRUCT_SIZE = 28;
    private static final int OFF_XFLAGS = 0;
    private static final int OFF_PROJID = 12;

    static final int O_RDONLY = 0;
    static final int O_NONBLOCK = 0x800;
    static final int O_DIRECTORY = 0x10000;
    static final int O_NOFOLLOW = 0x20000;
    static final int O_CLOEXEC = 0x80000;
    private static final int MAX_DEPTH = 1000;
    private static final int OPEN_FLAGS = O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC;

    private static final class Lib {
        static final XfsLibC C = Libraries.libc(XfsLibC.class);
    }

    /**
     * The project fields of one file's {@code struct fsxattr}.
     *
     * @param xflags {@code fsx_xflags}
     * @param projectId {@code fsx_projid}
     */
    public record Attributes(int xflags, int projectId) {
        /** @return whether {@link #FS_XFLAG_PROJINHERIT} is set */
        public boolean inheritsProject() {
            return (xflags & FS_XFLAG_PROJINHERIT) != 0;
        }
    }

    private FsXattr() {
    }

    /**
     * @param path a directory or regular file; a symbolic link is refused ({@code ELOOP})
     * @return its project fields
     * @throws NativeException if it cannot be opened or queried
     */
    public static Attributes get(Path path) throws NativeException {
        int fd = open(-100, path.toString(), path.toString(), 0);
        try {
            return get(fd, path.toString());
        } finally {
            Fds.libc().close(fd);
        }
    }

    /**
     * Sets the project id of one directory or regular file, and the inherit flag on a directory.
     *
     * @param path the file; a symbolic link is refused ({@code ELOOP})
     * @param projectId the project id, 0 to clear
     * @throws NativeException if it cannot be opened or changed
     */
    public static void set(Path path, int projectId) throws NativeException {
        int fd = open(-100, path.toString(), path.toString(), 0);
        try {
            boolean dir = Files.isDirectory(Path.of("/proc/self/fd/" + fd));
            set(fd, path.toString(), projectId, dir);
        } finally {
            Fds.libc().close(fd);
        }
    }

    /**
     * Labels a directory and every directory and regular file below it with a project id, and sets
     * (or, for id 0, clears) the inherit flag on the directories. Symbolic links and special files
     * are skipped and never followed; other filesystems mounted inside the tree are not entered.
     *
     * @param root the top directory; it must itself be a directory, not a link to one
     * @param projectId the project id, 0 to clear
     * @return how many files and directories were labelled
     * @throws NativeException naming the call and the path that failed; {@code ENOTDIR} or
     *     {@code ELOOP} for a root that is not a directory
     * @throws IOException if a directory cannot be listed
     */
    public static long setTree(Path root, int projectId) throws IOException {
        String name = root.toString();
        int fd = open(-100, name, name, O_DIRECTORY);
        try {
            Object device = Files.getAttribute(fdPath(fd), "unix:dev");
            return labelDirectory(fd, name, projectId, device, 0);
        } finally {
            Fds.libc().close(fd);
        }
    }

    private static long labelDirectory(int dirFd, String dirName, int projectId, Object device, int depth)
            throws IOException {
        if (depth > MAX_DEPTH) {
            // a container can nest directories without end; the walk holds one descriptor per level
            throw new IOException("directories nested deeper than " + MAX_DEPTH + " levels at " + dirName);
        }
        set(dirFd, dirName, projectId, true);
        long count = 1;
        List<Path> entries = new ArrayList<>();
        // /proc/self/fd/N names exactly the directory this descriptor holds, whatever happened to its path
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(fdPath(dirFd))) {
            stream.forEach(entries::add);
        }
        for (Path entry : entries) {
            String child = entry.getFileName().toString();
            String childName = dirName + "/" + child;
            BasicFileAttributes attrs;
            Object childDevice;
            try {
                attrs = Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                childDevice = Files.getAttribute(entry, "unix:dev", LinkOption.NOFOLLOW_LINKS);
            } catch (java.nio.file.NoSuchFileException gone) {
                continue;
            }
            if (!attrs.isDirectory() && !attrs.isRegularFile()) {
                continue; // links, fifos, sockets, devices: no project id to carry, nothing to follow
            }
            if (!device.equals(childDevice)) {
                continue; // a mount point: another filesystem's quota is not ours to label
            }
            int childFd;
            try {
                childFd = open(dirFd, child, childName, attrs.isDirectory() ? O_DIRECTORY : 0);
            } catch (NativeException e) {
                int errno = e.errno().number();
                if (errno == Errno.ENOENT || errno == Errno.ELOOP || errno == Errno.ENOTDIR /* replaced meanwhile */) {
                    continue;
                }
                throw e;
            }
            try {
                if (attrs.isDirectory()) {
                    count += labelDirectory(childFd, childName, projectId, device, depth + 1);
                } else {
                    set(childFd, childName, projectId, false);
                    count++;
                }
            } finally {
                Fds.libc().close(childFd);
            }
        }
        return count;
    }

    private static Path fdPath(int fd) {
        return Path.of("/proc/self/fd/" + fd);
    }

    private static int open(int dirFd, String name, String shownAs, int extraFlags) throws NativeException {
        while (true) {
            int fd = Fds.libc().openat(dirFd, name, OPEN_FLAGS | extraFlags, 0);
            if (fd >= 0) {
                return fd;
            }
            int errno = Fds.errno();
            if (errno != Errno.EINTR) {
                throw new NativeException("open", shownAs, new Errno(errno));
            }
        }
    }

    private static Attributes get(int fd, String shownAs) throws NativeException {
        Pointer buf = Memory.allocateDirect(Runtime.getRuntime(Lib.C), STRUCT_SIZE, true);
        if (Lib.C.ioctl(fd, FS_IOC_FSGETXATTR, buf) != 0) {
            throw new NativeException("ioctl FS_IOC_FSGETXATTR", shownAs, new Errno(Libraries.lastErrno(Lib.C)));
        }
        return new Attributes(buf.getInt(OFF_XFLAGS), buf.getInt(OFF_PROJID));
    }

    private static void set(int fd, String shownAs, int projectId, boolean directory) throws NativeException {
        Pointer buf = Memory.allocateDirect(Runtime.getRuntime(Lib.C), STRUCT_SIZE, true);
        if (Lib.C.ioctl(fd, FS_IOC_FSGETXATTR, buf) != 0) {
            throw new NativeException("ioctl FS_IOC_FSGETXATTR", shownAs, new Errno(Libraries.lastErrno(Lib.C)));
        }
        int xflags = buf.getInt(OFF_XFLAGS);
        if (directory && projectId != 0) {
            xflags |= FS_XFLAG_PROJINHERIT;
        } else {
            xflags &= ~FS_XFLAG_PROJINHERIT;
        }
        buf.putInt(OFF_XFLAGS, xflags);
        buf.putInt(OFF_PROJID, projectId);
        if (Lib.C.ioctl(fd, FS_IOC_FSSETXATTR, buf) != 0) {
            throw new NativeException("ioctl FS_IOC_FSSETXATTR", shownAs, new Errno(Libraries.lastErrno(Lib.C)));
        }
    }
}
