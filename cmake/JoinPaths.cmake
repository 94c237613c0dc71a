# join_paths(<out-var> <base> [<segment>...])
#
# Joins path segments the way Python's os.path.join does: an absolute segment
# replaces everything before it, empty segments are skipped.  Used to write
# pkg-config files, where
#
#     join_paths(libdir "\${exec_prefix}" "${CMAKE_INSTALL_LIBDIR}")
#
# gives "${exec_prefix}/lib" for the usual relative CMAKE_INSTALL_LIBDIR and
# "/usr/lib" (not "${exec_prefix}//usr/lib") for an absolute one.
#
# Same idea as zstd's build/cmake/CMakeModules/JoinPaths.cmake.  POSIX paths
# only.

function(join_paths out_var base)
	set(joined "${base}")
	foreach(segment IN LISTS ARGN)
		if(segment STREQUAL "")
			continue()
		elseif(IS_ABSOLUTE "${segment}")
			set(joined "${segment}")
		elseif(joined STREQUAL "")
			set(joined "${segment}")
		else()
			string(REGEX REPLACE "/+$" "" joined "${joined}")
			set(joined "${joined}/${segment}")
		endif()
	endforeach()
	set(${out_var} "${joined}" PARENT_SCOPE)
endfunction()
