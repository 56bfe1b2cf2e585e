// Local files, the one place the library touches them: UTF-8 paths on every
// platform (Windows' narrow functions would read them in the ANSI code page),
// 64-bit sizes and offsets (long is 32 bits on Windows), and replacing a file
// in one step (std::rename refuses an existing target on Windows).
//
// Thread safety: functions only touch the files they are given; one
// input_file or output_file is used by one thread at a time.
#ifndef KLING_CORE_FILES_HPP
#define KLING_CORE_FILES_HPP

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "kling/core/result.hpp"
#include "kling/core/utf8.hpp"

KLING_NAMESPACE_BEGIN

namespace files {

// A path for an error message: quoted, cut, and valid UTF-8 whatever the
// file system allowed.
KLING_FUNCTION_OBJECT quote_function { std::string operator()(std::string_view path) const; };
inline constexpr KLING_FUNCTION_TYPE(quote) quote{};

// Size of a regular file. Directories, devices and pipes are refused: their
// size means nothing.
KLING_FUNCTION_OBJECT size_of_function { result<std::uint64_t> operator()(const std::string &path) const; };
inline constexpr KLING_FUNCTION_TYPE(size_of) size_of{};

KLING_FUNCTION_OBJECT exists_function { bool operator()(const std::string &path) const; };
inline constexpr KLING_FUNCTION_TYPE(exists) exists{};

// Removes a file if it is there; false only when it stays.
KLING_FUNCTION_OBJECT remove_function { bool operator()(const std::string &path) const; };
inline constexpr KLING_FUNCTION_TYPE(remove) remove{};

// Moves from onto to, replacing what is there, in one step where the platform
// allows (POSIX rename; MoveFileExW on Windows, which std::rename is not).
KLING_FUNCTION_OBJECT replace_function {
  result<void> operator()(const std::string &from, const std::string &to) const;
};
inline constexpr KLING_FUNCTION_TYPE(replace) replace{};

// A regular file opened for binary reading at any 64-bit offset.
class input_file {
public:
  input_file() = default;
  input_file(const input_file &) = delete;
  input_file &operator=(const input_file &) = delete;
  ~input_file();

  // Opens path and returns its size.
  KLING_LAZY result<std::uint64_t> open(const std::string &path);
  // Exactly n bytes at offset into buffer.
  KLING_LAZY result<void> read_at(std::uint64_t offset, std::size_t n, std::string &buffer);
  KLING_LAZY void close();

private:
  std::FILE *file_ = nullptr;
  std::string path_;
};

// A file opened for binary writing, closed on every path.
class output_file {
public:
  output_file() = default;
  output_file(const output_file &) = delete;
  output_file &operator=(const output_file &) = delete;
  ~output_file();

  // Truncates path, or appends to it.
  KLING_LAZY bool open(const std::string &path, bool append);
  KLING_LAZY bool write(std::string_view bytes);
  // False when buffered bytes could not be written.
  KLING_LAZY bool close();

private:
  std::FILE *file_ = nullptr;
};

// A file that only grows, each append on the disk before append returns
// (fflush, then fsync; _commit on Windows): what a journal needs, where a
// record must outlive a crash or a power cut before the act it announces.
class appending_file {
public:
  appending_file() = default;
  appending_file(const appending_file &) = delete;
  appending_file &operator=(const appending_file &) = delete;
  ~appending_file();

  // Opens path for appending, creating it (and making its directory entry
  // durable, on POSIX) when it is not there.
  KLING_LAZY result<void> open(const std::string &path);
  bool is_open() const { return file_ != nullptr; }

  // Appends bytes and waits until they are on the disk.
  KLING_LAZY result<void> append(std::string_view bytes);
  KLING_LAZY void close();

private:
  std::FILE *file_ = nullptr;
  std::string path_;
};

// Creates a directory and its parents; fine when it is already there.
KLING_FUNCTION_OBJECT make_directories_function { result<void> operator()(const std::string &path) const; };
inline constexpr KLING_FUNCTION_TYPE(make_directories) make_directories{};

// The whole file, when it is a regular file of at most max_bytes (checked
// before reading).
KLING_FUNCTION_OBJECT read_file_function {
  result<std::string> operator()(const std::string &path, std::uint64_t max_bytes) const;
};
inline constexpr KLING_FUNCTION_TYPE(read_file) read_file{};

// Writes bytes to "<path>.part" and replaces path with it, so path is never
// seen half written; the part file is removed on failure.
KLING_FUNCTION_OBJECT write_file_function {
  result<void> operator()(const std::string &path, std::string_view bytes) const;
};
inline constexpr KLING_FUNCTION_TYPE(write_file) write_file{};

} // namespace files

KLING_NAMESPACE_END

#endif // KLING_CORE_FILES_HPP

#if KLING_DEFINE_HERE && !defined(KLING_CORE_FILES_IPP)
#define KLING_CORE_FILES_IPP

#include <cerrno>
#include <filesystem>
#include <limits>
#include <system_error>
#include <utility>

#ifdef _WIN32
#include <io.h> // _commit, _fileno
#else
#include <fcntl.h>     // open, for syncing a directory
#include <sys/types.h> // off_t
#include <unistd.h>    // fsync
#endif

KLING_NAMESPACE_BEGIN

#ifdef _WIN32
// The two Win32 functions needed, declared as <windows.h> does (as
// Boost.WinAPI does), so that including this header does not bring in
// <windows.h> and its macros (min, max, near, far) to every user.
namespace files_win32 {
extern "C" __declspec(dllimport) int __stdcall MoveFileExW(const wchar_t *, const wchar_t *, unsigned long);
extern "C" __declspec(dllimport) unsigned long __stdcall GetLastError();
constexpr unsigned long movefile_replace_existing = 0x1; // MOVEFILE_REPLACE_EXISTING
constexpr unsigned long movefile_write_through = 0x8;    // MOVEFILE_WRITE_THROUGH
} // namespace files_win32
#endif

namespace files {

KLING_LAZY_DEF std::string KLING_FUNCTION(quote)::operator()(std::string_view path) const {
  return "\"" + utf8::excerpt(path, 300) + "\"";
}

namespace files_detail {

// The file system's path for a UTF-8 path (one with a NUL byte is refused).
// On Windows the text is converted here (std::filesystem::u8path would abort
// on malformed UTF-8 without exceptions); elsewhere paths are bytes and pass
// unchanged. (Here, not with the declarations: <filesystem> is costly to compile.)
KLING_LAZY result<std::filesystem::path> native_path(std::string_view utf8_path) {
  // The C functions stop at a NUL: "a\0b" would quietly name the file "a".
  if (utf8_path.find('\0') != std::string_view::npos)
    return error{errc::io,
                 "the path " + quote(utf8_path.substr(0, utf8_path.find('\0'))) + "... contains a NUL byte"};
#ifdef _WIN32
  std::wstring wide;
  wide.reserve(utf8_path.size());
  for (std::size_t pos = 0; pos < utf8_path.size();) {
    const std::size_t n = utf8::sequence_length(utf8_path, pos);
    if (n == 0) return error{errc::io, "the path " + quote(utf8_path) + " is not valid UTF-8"};
    const auto byte = [&](std::size_t i) {
      return static_cast<std::uint32_t>(static_cast<unsigned char>(utf8_path[pos + i]));
    };
    std::uint32_t c = n == 1 ? byte(0) : n == 2 ? byte(0) & 0x1F : n == 3 ? byte(0) & 0x0F : byte(0) & 0x07;
    for (std::size_t i = 1; i < n; ++i)
      c = (c << 6) | (byte(i) & 0x3F);
    if (c >= 0x10000) { // UTF-16: a surrogate pair
      c -= 0x10000;
      wide += static_cast<wchar_t>(0xD800 + (c >> 10));
      wide += static_cast<wchar_t>(0xDC00 + (c & 0x3FF));
    } else {
      wide += static_cast<wchar_t>(c);
    }
    pos += n;
  }
  return std::filesystem::path(std::move(wide));
#else
  return std::filesystem::path(std::string(utf8_path));
#endif
}

KLING_LAZY error cannot(std::string_view what, std::string_view path, std::string_view why = {}) {
  std::string message = std::string(what) + " " + quote(path);
  if (!why.empty()) message += ": " + std::string(why);
  return error{errc::io, std::move(message)};
}

// fopen with a UTF-8 path; mode is "rb", "wb" or "ab".
KLING_LAZY std::FILE *open(const std::filesystem::path &path, const char *mode) {
#ifdef _WIN32
  std::wstring wide_mode(mode, mode + std::char_traits<char>::length(mode));
  return ::_wfopen(path.c_str(), wide_mode.c_str());
#else
  return std::fopen(path.c_str(), mode);
#endif
}

KLING_LAZY bool seek(std::FILE *f, std::uint64_t offset) {
  if (offset > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) return false;
#ifdef _WIN32
  return ::_fseeki64(f, static_cast<__int64>(offset), SEEK_SET) == 0;
#else
  // off_t is 64 bits where large files exist (LP64, or _FILE_OFFSET_BITS=64).
  if (offset > static_cast<std::uint64_t>(std::numeric_limits<off_t>::max())) return false;
  return ::fseeko(f, static_cast<off_t>(offset), SEEK_SET) == 0;
#endif
}

} // namespace files_detail

KLING_LAZY_DEF result<std::uint64_t> KLING_FUNCTION(size_of)::operator()(const std::string &path) const {
  auto native = files_detail::native_path(path);
  if (!native) return std::move(native).error();
  std::error_code ec;
  const std::filesystem::file_status status = std::filesystem::status(*native, ec);
  if (ec && ec != std::errc::no_such_file_or_directory)
    return files_detail::cannot("cannot open", path, ec.message());
  if (!std::filesystem::exists(status)) return files_detail::cannot("cannot open", path, "no such file");
  if (!std::filesystem::is_regular_file(status))
    return files_detail::cannot("cannot open", path, "not a regular file");
  const std::uintmax_t size = std::filesystem::file_size(*native, ec);
  if (ec) return files_detail::cannot("cannot open", path, ec.message());
  return static_cast<std::uint64_t>(size);
}

KLING_LAZY_DEF bool KLING_FUNCTION(exists)::operator()(const std::string &path) const {
  auto native = files_detail::native_path(path);
  std::error_code ec;
  return native && std::filesystem::exists(*native, ec);
}

KLING_LAZY_DEF bool KLING_FUNCTION(remove)::operator()(const std::string &path) const {
  auto native = files_detail::native_path(path);
  if (!native) return false;
  std::error_code ec;
  std::filesystem::remove(*native, ec);
  return !ec;
}

KLING_LAZY_DEF result<void> KLING_FUNCTION(replace)::operator()(const std::string &from,
                                                                const std::string &to) const {
  auto native_from = files_detail::native_path(from);
  if (!native_from) return std::move(native_from).error();
  auto native_to = files_detail::native_path(to);
  if (!native_to) return std::move(native_to).error();
#ifdef _WIN32
  if (!files_win32::MoveFileExW(native_from->c_str(), native_to->c_str(),
                                files_win32::movefile_replace_existing |
                                    files_win32::movefile_write_through)) {
    return files_detail::cannot(
        "cannot move " + quote(from) + " to", to,
        std::system_category().message(static_cast<int>(files_win32::GetLastError())));
  }
#else
  if (std::rename(native_from->c_str(), native_to->c_str()) != 0) {
    return files_detail::cannot("cannot move " + quote(from) + " to", to,
                                std::generic_category().message(errno));
  }
#endif
  return {};
}

KLING_DECL input_file::~input_file() { close(); }

KLING_LAZY_DEF result<std::uint64_t> input_file::open(const std::string &path) {
  close();
  path_ = path;
  auto size = size_of(path);
  if (!size) return size;
  auto native = files_detail::native_path(path);
  if (!native) return std::move(native).error();
  file_ = files_detail::open(*native, "rb");
  if (!file_) return files_detail::cannot("cannot open", path);
  return size;
}

KLING_LAZY_DEF result<void> input_file::read_at(std::uint64_t offset, std::size_t n, std::string &buffer) {
  buffer.resize(n);
  if (n == 0) return {};
  if (!file_ || !files_detail::seek(file_, offset) || std::fread(&buffer[0], 1, n, file_) != n) {
    return files_detail::cannot("cannot read", path_, "at byte " + std::to_string(offset));
  }
  return {};
}

KLING_LAZY_DEF void input_file::close() {
  if (file_) std::fclose(file_);
  file_ = nullptr;
}

KLING_DECL output_file::~output_file() { close(); }

KLING_LAZY_DEF bool output_file::open(const std::string &path, bool append) {
  close();
  auto native = files_detail::native_path(path);
  if (native) file_ = files_detail::open(*native, append ? "ab" : "wb");
  return file_ != nullptr;
}

KLING_LAZY_DEF bool output_file::write(std::string_view bytes) {
  return file_ && std::fwrite(bytes.data(), 1, bytes.size(), file_) == bytes.size();
}

KLING_LAZY_DEF bool output_file::close() {
  if (!file_) return true;
  const bool ok = std::fclose(file_) == 0;
  file_ = nullptr;
  return ok;
}

KLING_DECL appending_file::~appending_file() { close(); }

KLING_LAZY_DEF result<void> appending_file::open(const std::string &path) {
  close();
  path_ = path;
  auto native = files_detail::native_path(path);
  if (!native) return std::move(native).error();
  const bool created = !exists(path);
  file_ = files_detail::open(*native, "ab");
  if (!file_) return files_detail::cannot("cannot open", path, std::generic_category().message(errno));
#ifndef _WIN32
  if (created) { // the new name lives in the directory: sync it too
    std::filesystem::path folder = native->parent_path();
    if (folder.empty()) folder = ".";
    const int fd = ::open(folder.c_str(), O_RDONLY);
    if (fd >= 0) {
      ::fsync(fd);
      ::close(fd);
    }
  }
#else
  (void)created;
#endif
  return {};
}

KLING_LAZY_DEF result<void> appending_file::append(std::string_view bytes) {
  if (!file_) return files_detail::cannot("cannot append to", path_, "not open");
  if (std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size() || std::fflush(file_) != 0)
    return files_detail::cannot("cannot append to", path_, std::generic_category().message(errno));
#ifdef _WIN32
  if (::_commit(::_fileno(file_)) != 0)
#else
  if (::fsync(::fileno(file_)) != 0)
#endif
    return files_detail::cannot("cannot flush to disk", path_, std::generic_category().message(errno));
  return {};
}

KLING_LAZY_DEF void appending_file::close() {
  if (file_) std::fclose(file_);
  file_ = nullptr;
}

KLING_LAZY_DEF result<void> KLING_FUNCTION(make_directories)::operator()(const std::string &path) const {
  auto native = files_detail::native_path(path);
  if (!native) return std::move(native).error();
  std::error_code ec;
  std::filesystem::create_directories(*native, ec);
  if (ec) return files_detail::cannot("cannot create the directory", path, ec.message());
  if (!std::filesystem::is_directory(*native, ec)) return files_detail::cannot("not a directory:", path);
  return {};
}

KLING_LAZY_DEF result<std::string> KLING_FUNCTION(read_file)::operator()(const std::string &path,
                                                                         std::uint64_t max_bytes) const {
  input_file in;
  auto size = in.open(path);
  if (!size) return std::move(size).error();
  if (*size > max_bytes || *size > std::numeric_limits<std::size_t>::max()) {
    return error{errc::io, "file " + quote(path) + " is larger than " + std::to_string(max_bytes) +
                               " bytes (" + std::to_string(*size) + " bytes)"};
  }
  std::string bytes;
  if (auto read = in.read_at(0, static_cast<std::size_t>(*size), bytes); !read)
    return std::move(read).error();
  return bytes;
}

KLING_LAZY_DEF result<void> KLING_FUNCTION(write_file)::operator()(const std::string &path,
                                                                   std::string_view bytes) const {
  if (auto native = files_detail::native_path(path); !native) return std::move(native).error(); // says why
  const std::string part = path + ".part";
  output_file out;
  if (!out.open(part, false) || !out.write(bytes) || !out.close()) {
    out.close();
    remove(part);
    return files_detail::cannot("cannot write", part);
  }
  if (auto moved = replace(part, path); !moved) {
    remove(part);
    return moved;
  }
  return {};
}

} // namespace files

KLING_NAMESPACE_END

#endif // KLING_CORE_FILES_IPP
