# Install rules and a relocatable CMake package: find_package(poweron) then link poweron::poweron.
include(CMakePackageConfigHelpers)

install(TARGETS poweron EXPORT poweronTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS poweron_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
if(TARGET poweron_mpi)
  install(TARGETS poweron_mpi RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()
install(DIRECTORY include/poweron DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT poweronTargets NAMESPACE poweron:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/poweron)
# The consumer never sees the project's warning target; export it empty so the export set is complete.
install(TARGETS poweron_warnings EXPORT poweronTargets)

configure_package_config_file(cmake/poweronConfig.cmake.in
  ${PROJECT_BINARY_DIR}/poweronConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/poweron)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/poweronConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/poweronConfig.cmake ${PROJECT_BINARY_DIR}/poweronConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/poweron)
