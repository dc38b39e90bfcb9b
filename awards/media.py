"""Which project a stored file belongs to: the media view serves a file only as one of
a project's current files, to those who may see that project's files."""

from dataclasses import dataclass

from django.db.models.fields.files import FieldFile

from awards.models import Project


@dataclass(frozen=True)
class ProjectFile:
    project: Project
    file: FieldFile


def project_file_get(*, name: str) -> ProjectFile | None:
    """The project file stored as ``name`` (``projects/<edition>/<project>/<file>``,
    see ``project_file_path``), or None: a file replaced or removed is no longer one."""
    parts = name.split("/")
    if len(parts) != 4 or parts[0] != "projects" or not all(p.isdigit() for p in parts[1:3]):
        return None
    project = Project.objects.filter(edition_id=parts[1], pk=parts[2]).first()
    if project is None:
        return None
    for field_file in (project.logo, project.document):
        if field_file and field_file.name == name:
            return ProjectFile(project=project, file=field_file)
    image = project.images.filter(image=name).first()
    return ProjectFile(project=project, file=image.image) if image is not None else None
