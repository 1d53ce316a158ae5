/**
 * A local directory tree as a source of {@link dev.quiesce.Arrival}s: {@link dev.quiesce.files.DirectorySource}
 * (file-system events plus a periodic full rescan as a safety net) and {@link dev.quiesce.files.OpenForWriting},
 * which keeps files a local process still writes out of the count. Depends on the core only.
 */
package dev.quiesce.files;
