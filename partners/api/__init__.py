"""REST endpoints of the partner directory: partners, applications, collaboration projects.

One module per resource: partners, applications, projects and their invitations, each with its serializers,
permission and viewset; the serializer fields two of them use are in fields. cocreate/api_urls.py
names the viewsets from here.
"""

from .applications import (
    ApplicationSerializer,
    ApplicationThrottle,
    ApplicationViewSet,
    DecisionSerializer,
)
from .fields import AreaCodesField, ChoiceListField
from .partners import IsMemberForWrites, PartnerSerializer, PartnerUpdateSerializer, PartnerViewSet
from .project_invitations import (
    ProjectInvitationSerializer,
    ProjectInvitationViewSet,
    ProjectInviteSerializer,
)
from .project_work import MilestoneViewSet, ProjectFileViewSet, ProjectUpdateViewSet
from .projects import (
    ProjectPartnerSerializer,
    ProjectPermission,
    ProjectProductSerializer,
    ProjectSerializer,
    ProjectViewSet,
    ProjectWriteSerializer,
)

__all__ = [
    "ApplicationSerializer",
    "ApplicationThrottle",
    "ApplicationViewSet",
    "AreaCodesField",
    "ChoiceListField",
    "DecisionSerializer",
    "IsMemberForWrites",
    "MilestoneViewSet",
    "PartnerSerializer",
    "PartnerUpdateSerializer",
    "PartnerViewSet",
    "ProjectFileViewSet",
    "ProjectInvitationSerializer",
    "ProjectInvitationViewSet",
    "ProjectInviteSerializer",
    "ProjectPartnerSerializer",
    "ProjectPermission",
    "ProjectProductSerializer",
    "ProjectSerializer",
    "ProjectUpdateViewSet",
    "ProjectViewSet",
    "ProjectWriteSerializer",
]
